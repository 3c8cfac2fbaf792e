/**
 * POST /ingest/interactions with bodies longer than one statement (src/http/ingest.ts StreamWriter):
 * written in chunks while the body arrives, in one transaction: all rows or none, the first bad
 * line named even when it lies in a chunk already sent, the recompute trigger once for every user,
 * and nothing left behind by a client that goes away mid-body.
 */
import http from 'node:http';
import { factories } from './support/factories';
import { useTestServer } from './support/use-test-server';

const KEY = 'ingest-stream-writer-key';
const { db, server, startServer } = useTestServer('ingest_stream', { API_KEYS: `writer:${KEY}` });
const f = factories(db.pool);
let users: number[];
let content: number;

const endpoint = () => server.url.replace(/\/graphql$/, '/ingest/interactions');

async function ingest(body: string, url = endpoint()) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${KEY}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const q = async <T = any>(sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows as T[];
const count = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM user_interactions'))[0].n;
const pendingUsers = async () =>
  (await q<{ u: number }>('SELECT DISTINCT unnest(user_ids) AS u FROM conversion_pending ORDER BY 1')).map((r) => r.u);

/** n lines over the users (line i: user i mod users), every other one with the content. */
const lines = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ userId: String(users[i % users.length]), type: 'VIEW', ...(i % 2 ? { contentId: String(content) } : {}) }),
  );

beforeAll(async () => {
  users = [];
  for (let i = 0; i < 3; i++) users.push((await f.user()).id);
  const plan = await f.plan();
  content = (await f.content({ contentPlanId: plan.id })).id;
});

beforeEach(() => q('TRUNCATE conversion_pending'));

test('12,001 lines (three statements and a remainder) are all stored, and one trigger names every user', async () => {
  const before = await count();
  const res = await ingest(lines(12_001).join('\n'));
  expect(res).toEqual({ status: 200, body: { inserted: 12_001 } });
  expect(await count()).toBe(before + 12_001);
  const perUser = await q<{ user_id: number; n: number; with_content: number }>(
    `SELECT user_id, count(*)::int AS n, count(content_id)::int AS with_content FROM user_interactions
     WHERE id > (SELECT coalesce(max(id), 0) FROM user_interactions) - 12001 GROUP BY 1 ORDER BY 1`,
  );
  expect(perUser.map((r) => r.n)).toEqual([4001, 4000, 4000]);
  expect(perUser.reduce((a, r) => a + r.with_content, 0)).toBe(6000);
  expect(await pendingUsers()).toEqual([...users].sort((a, b) => a - b));
  expect((await q<{ n: number }>('SELECT count(*)::int AS n FROM conversion_pending'))[0].n).toBe(1);
});

test('an unknown user in the second chunk is named by its line, before a later bad line; nothing is written', async () => {
  const before = await count();
  const body = lines(12_000);
  body[7_499] = JSON.stringify({ userId: '999999', type: 'VIEW' });
  body[10_999] = 'not json';
  const res = await ingest(body.join('\n'));
  expect(res.status).toBe(400);
  expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', line: 7_500, field: 'userId' });
  expect(res.body.errors[0].message).toContain('no community user has id "999999"');
  expect(await count()).toBe(before);
  expect(await pendingUsers()).toEqual([]);
});

test('a bad line after two chunks were written rolls them back', async () => {
  const before = await count();
  const body = lines(12_000);
  body[10_999] = JSON.stringify({ userId: String(users[0]), type: 'BUY' });
  const res = await ingest(body.join('\n'));
  expect(res.status).toBe(400);
  expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', line: 11_000, field: 'type' });
  expect(await count()).toBe(before);
});

/** A body sent in parts by the test (chunked): write() more, then end() or destroy(). */
function openUpload(target = endpoint()) {
  const url = new URL(target);
  const req = http.request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${KEY}`, 'transfer-encoding': 'chunked' },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  answer.catch(() => {}); // a destroyed upload has no answer
  return { req, answer };
}

/**
 * Connections of the test database idle in a transaction after an INSERT: a streaming body between
 * its statements (not the moment between BEGIN and its first INSERT). Polled up to 30 s.
 */
const inTransaction = async () =>
  (
    await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND query LIKE 'INSERT INTO user_interactions%'`,
    )
  )[0].n;

test('a client that goes away mid-body leaves no row and no open transaction', async () => {
  const before = await count();
  const { req } = openUpload();
  req.write(lines(8_000).join('\n') + '\n');
  // Wait until the first chunk is in the server's transaction, then go away.
  for (let i = 0; i < 600 && (await inTransaction()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await inTransaction()).toBe(1);
  req.destroy();
  for (let i = 0; i < 600 && (await inTransaction()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await inTransaction()).toBe(0);
  expect(await count()).toBe(before);
  // The server goes on: the next body is written.
  expect(await ingest(lines(10).join('\n'))).toEqual({ status: 200, body: { inserted: 10 } });
});

test('past half the pool, a long body is kept and written at its end: slow uploads cannot take every connection', async () => {
  const small = await startServer({ API_KEYS: `writer:${KEY}`, DB_POOL_MAX: '2' }); // one stream at a time
  const url = small.url.replace(/\/graphql$/, '/ingest/interactions');
  const before = await count();
  const first = openUpload(url);
  first.req.write(lines(6_000).join('\n') + '\n');
  for (let i = 0; i < 600 && (await inTransaction()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await inTransaction()).toBe(1);
  // The one slot is taken: this body is parsed, kept and written in one statement at its end.
  expect(await ingest(lines(12_001).join('\n'), url)).toEqual({ status: 200, body: { inserted: 12_001 } });
  expect(await inTransaction()).toBe(1);
  first.req.end(lines(10).join('\n'));
  expect(await first.answer).toEqual({ status: 200, body: { inserted: 6_010 } });
  expect(await count()).toBe(before + 12_001 + 6_010);
  // The slot is free again: the next long body streams.
  const next = openUpload(url);
  next.req.write(lines(5_000).join('\n') + '\n');
  for (let i = 0; i < 600 && (await inTransaction()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await inTransaction()).toBe(1);
  next.req.end();
  expect(await next.answer).toEqual({ status: 200, body: { inserted: 5_000 } });
});
