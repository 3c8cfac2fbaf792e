/**
 * The page statements are named prepared statements, and PostgreSQL keeps their plan: after its
 * first custom plans (five at most) it prefers the generic one, because the LIMIT (size + 1) is written into the
 * text (src/db/sql/pages.ts `limitSql`, docs/architecture.md "Loaders"). Bound, the generic plan was
 * costed as if the LIMIT kept a tenth of the rows it limits (here 20 of a user's 200 interactions,
 * 50 of 500 users, against 6): dearer than every custom plan, so never chosen, and the statement was
 * planned again on every execution. A page of one parent and a load of one id bind scalars rather
 * than arrays, for the same reason: an array's unnest is costed as 100 rows, and `= ANY($1)` as ten.
 * pg_prepared_statements counts both kinds per connection, so the statements run here on a Db of
 * one connection.
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { Db } from '../src/db/db';
import { ensureMonths } from '../src/db/partitions';
import { childPageRows } from '../src/db/sql/pages';
import { byIdLoader } from '../src/loaders/by-id';
import { CHILD_SPECS } from '../src/loaders/specs';
import { listCommunityUsers } from '../src/modules/community-user/community-user.service';
import { useTestServer } from './support/use-test-server';

const { db, cleanup } = useTestServer('prepared_pages', null);
const at = new Date('2026-06-15T00:00:00.000Z');
let one: Pool;
let users: number[];

beforeAll(async () => {
  await ensureMonths(async (text, params) => (await db.pool.query(text, params)).rows, at, at);
  users = (
    await db.pool.query<{ id: number }>(
      `INSERT INTO community_users (handle, platform) SELECT 'p' || g, 'x' FROM generate_series(1, 500) g RETURNING id`,
    )
  ).rows.map((r) => r.id);
  // The first ten users: 200 interactions each, one a minute.
  await db.pool.query(
    `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
     SELECT u, 'view', $2::timestamptz - g * interval '1 minute' FROM unnest($1::int4[]) u, generate_series(1, 200) g`,
    [users.slice(0, 10), at],
  );
  await db.pool.query('ANALYZE community_users');
  await db.pool.query('ANALYZE user_interactions');
  one = new Pool({ connectionString: db.url, max: 1 });
  cleanup(() => one.end());
});

/** The connection's prepared statements whose text contains `marker`: how often each kind of plan ran. */
async function plans(marker: string): Promise<{ generic: number; custom: number }[]> {
  const { rows } = await one.query<{ generic: string; custom: string }>(
    'SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE statement LIKE $1',
    [`%${marker}%`],
  );
  return rows.map((r) => ({ generic: Number(r.generic), custom: Number(r.custom) }));
}

test('a per-parent page keeps its generic plan', async () => {
  const d = new Db(one);
  const group = users.slice(0, 10).map((parentId) => ({ parentId, size: 5, cursor: null, backward: false }));
  for (let i = 0; i < 8; i++) {
    const pages = await childPageRows(d, CHILD_SPECS.interactionsByUser, group);
    expect(pages.map((p) => p.rows.length)).toEqual(group.map(() => 6));
  }
  const [stats, ...others] = await plans('t.user_id = x.parent_id');
  expect(others).toEqual([]);
  expect(stats.generic + stats.custom).toBe(8);
  expect(stats.custom).toBeLessThanOrEqual(5);
});

test('a root page keeps its generic plan', async () => {
  const d = new Db(one);
  for (let i = 0; i < 8; i++) expect((await listCommunityUsers(d, { first: 5 })).nodes).toHaveLength(5);
  const [stats, ...others] = await plans('FROM community_users t');
  expect(others).toEqual([]);
  expect(stats.generic + stats.custom).toBe(8);
  expect(stats.custom).toBeLessThanOrEqual(5);
});

test('a page of one parent keeps its generic plan, with and without a cursor, and holds the rows the batched page holds', async () => {
  const d = new Db(one);
  const spec = CHILD_SPECS.interactionsByUser;
  const [first, second] = users;
  const window = { size: 5, cursor: null, backward: false };
  const [batched] = await childPageRows(d, spec, [
    { parentId: first, ...window },
    { parentId: second, ...window },
  ]);
  const last = batched.rows[4];
  const cursor = { key: last.__k, id: Number(last.id) };
  const [batchedAfter] = await childPageRows(d, spec, [
    { parentId: first, ...window, cursor },
    { parentId: second, ...window, cursor },
  ]);
  expect(batchedAfter.rows.map((r) => r.id)).not.toEqual(batched.rows.map((r) => r.id));
  for (let i = 0; i < 8; i++) {
    expect(await childPageRows(d, spec, [{ parentId: first, ...window }])).toEqual([batched]);
    expect(await childPageRows(d, spec, [{ parentId: first, ...window, cursor }])).toEqual([batchedAfter]);
  }
  const stats = await plans('FROM (VALUES (');
  expect(stats).toHaveLength(2); // without and with a cursor
  for (const s of stats) {
    expect(s.generic + s.custom).toBe(8);
    expect(s.custom).toBeLessThanOrEqual(5);
  }
});

test('a load of one id keeps its generic plan; a batch of several is answered in key order', async () => {
  const d = new Db(one);
  for (let i = 0; i < 8; i++) {
    const loader = byIdLoader<{ id: string; handle: string }>(d, 'community_users t', 't.id::text AS id, t.handle', 'int4');
    expect((await loader.load(users[i]))?.id).toBe(String(users[i]));
  }
  const [stats, ...others] = await plans('WHERE t.id = $1::int4');
  expect(others).toEqual([]);
  expect(stats.generic + stats.custom).toBe(8);
  expect(stats.custom).toBeLessThanOrEqual(5);
  const loader = byIdLoader<{ id: string }>(d, 'community_users t', 't.id::text AS id', 'int4');
  const got = await loader.loadMany([users[3], 2147483647, users[1]]);
  expect(got).toEqual([{ id: String(users[3]) }, null, { id: String(users[1]) }]);
});
