/**
 * POST /ingest/interactions (src/http/ingest.ts): NDJSON and CSV into recordInteractions' write
 * path, writer role, all or nothing, the first bad line named, a size cap, the cache invalidated.
 */
import { factories } from './support/factories';
import { useTestServer } from './support/use-test-server';

const KEYS = { reader: 'ingest-reader-key', writer: 'ingest-writer-key' };
const { db, server } = useTestServer('ingest', {
  API_KEYS: `reader:${KEYS.reader},writer:${KEYS.writer}`,
  INGEST_MAX_BYTES: '4096',
});
const f = factories(db.pool);
let users: number[];
let content: number;

const endpoint = () => server.url.replace(/\/graphql$/, '/ingest/interactions');

async function ingest(body: string, type = 'application/x-ndjson', key: string | null = KEYS.writer) {
  const res = await fetch(endpoint(), {
    method: 'POST',
    headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const count = async () => (await db.pool.query('SELECT count(*)::int AS n FROM user_interactions')).rows[0].n as number;

beforeAll(async () => {
  users = [(await f.user()).id, (await f.user()).id];
  const plan = await f.plan();
  content = (await f.content({ contentPlanId: plan.id })).id;
});

test('NDJSON: every line stored as recordInteractions stores it (ids as strings or integers, defaults)', async () => {
  const before = await count();
  const body = [
    JSON.stringify({ userId: String(users[0]), type: 'PURCHASE', contentId: String(content), timestamp: '2026-11-28T10:00:00+01:00' }),
    '',
    JSON.stringify({ userId: users[1], type: 'VIEW' }),
    JSON.stringify({ userId: users[1], type: 'LIKE', contentId: null }),
  ].join('\n');
  const res = await ingest(`${body}\n`);
  expect(res).toEqual({ status: 200, body: { inserted: 3 } });
  expect(await count()).toBe(before + 3);
  const { rows } = await db.pool.query(
    `SELECT user_id, content_id, interaction_type, timestamp, timestamp > now() - interval '1 minute' AS recent
     FROM user_interactions ORDER BY id DESC LIMIT 3`,
  );
  expect(rows.reverse()).toEqual([
    { user_id: users[0], content_id: content, interaction_type: 'purchase', timestamp: new Date('2026-11-28T09:00:00Z'), recent: false },
    expect.objectContaining({ user_id: users[1], content_id: null, interaction_type: 'view', recent: true }),
    expect.objectContaining({ user_id: users[1], content_id: null, interaction_type: 'like', recent: true }),
  ]);
});

test('CSV with a header line, any column order, quoted and empty cells, CRLF', async () => {
  const before = await count();
  const csv = `type,userId,timestamp,contentId\r\nSHARE,${users[0]},2026-01-02T03:04:05Z,${content}\r\n"COMMENT","${users[1]}",,\r\n`;
  const res = await ingest(csv, 'text/csv; charset=utf-8');
  expect(res).toEqual({ status: 200, body: { inserted: 2 } });
  expect(await count()).toBe(before + 2);
});

test('the first bad line is named (line, field, problem) with 400, and nothing of the request is written', async () => {
  const before = await count();
  const good = JSON.stringify({ userId: String(users[0]), type: 'VIEW' });
  const cases: [string, string, number, string | null, string][] = [
    [`${good}\n${good}\n{"userId":"0","type":"VIEW"}\n{"userId":"x"}`, 'application/x-ndjson', 3, 'userId', 'must be the ID of a row'],
    [`${good}\n{"userId":"1","type":"BUY"}`, 'application/x-ndjson', 2, 'type', 'must be one of VIEW'],
    [`${good}\n{"userId":"1","type":"VIEW","extra":1}`, 'application/x-ndjson', 2, 'extra', 'is not a field'],
    [`${good}\n{"type":"VIEW"}`, 'application/x-ndjson', 2, 'userId', 'is required'],
    [`${good}\nnot json`, 'application/x-ndjson', 2, null, 'is not JSON'],
    [`${good}\n{"userId":"1","type":"VIEW","timestamp":"yesterday"}`, 'application/x-ndjson', 2, 'timestamp', 'DateTime'],
    [`userId,type\n${users[0]},VIEW\n${users[0]},VIEW,extra`, 'text/csv', 3, null, 'has 3 values'],
    [`userId,kind\n1,VIEW`, 'text/csv', 1, null, 'unknown column "kind"'],
    ['', 'application/x-ndjson', 1, null, 'no interaction'],
  ];
  for (const [body, type, line, field, problem] of cases) {
    const res = await ingest(body, type);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', line, field });
    expect(res.body.errors[0].message).toContain(problem);
    expect(res.body.errors[0].message).toContain(`line ${line}`);
  }
  expect(await count()).toBe(before);
});

test('all or nothing: an unknown user on a later line writes none of the lines before it', async () => {
  const before = await count();
  const lines = [
    JSON.stringify({ userId: String(users[0]), type: 'VIEW' }),
    JSON.stringify({ userId: String(users[1]), type: 'VIEW', contentId: String(content) }),
    JSON.stringify({ userId: '999999', type: 'VIEW' }),
  ];
  const res = await ingest(lines.join('\n'));
  expect(res.status).toBe(400);
  expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', line: 3, field: 'userId' });
  expect(res.body.errors[0].message).toContain('no community user has id "999999"');
  expect(await count()).toBe(before);
});

test('the writer role with the API keys of /graphql: no key 401, a reader 403, another media type 415', async () => {
  const body = JSON.stringify({ userId: String(users[0]), type: 'VIEW' });
  const none = await ingest(body, 'application/x-ndjson', null);
  expect(none.status).toBe(401);
  expect(none.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect((await ingest(body, 'application/x-ndjson', 'wrong')).status).toBe(401);
  const reader = await ingest(body, 'application/x-ndjson', KEYS.reader);
  expect(reader.status).toBe(403);
  expect(reader.body.errors[0].extensions.code).toBe('FORBIDDEN');
  expect((await ingest(body, 'application/json')).status).toBe(415);
});

test('a body over INGEST_MAX_BYTES is 413 and writes nothing', async () => {
  const before = await count();
  const line = JSON.stringify({ userId: String(users[0]), type: 'VIEW' });
  const body = Array.from({ length: Math.ceil(5000 / line.length) }, () => line).join('\n');
  const res = await ingest(body);
  expect(res.status).toBe(413);
  expect(res.body.errors[0].extensions.limit).toBe(4096);
  expect(await count()).toBe(before);
});
