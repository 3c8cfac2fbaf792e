/** recordInteractions: one set-based statement, all-or-nothing, offending items named by index. */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { expectRefused, M, UTC_MS } from './support';

const { db, server } = useTestServer('writes_interactions');
const f = factories(db.pool);
let users: { id: number }[];
let contents: { id: number }[];

beforeAll(async () => {
  users = [];
  for (let i = 0; i < 5; i++) users.push(await f.user());
  const plan = await f.plan();
  contents = [await f.content({ contentPlanId: plan.id }), await f.content({ contentPlanId: plan.id })];
});

const TYPES = ['VIEW', 'LIKE', 'COMMENT', 'SHARE', 'CLICK', 'FOLLOW', 'SIGNUP', 'PURCHASE'];

/** n items over the seeded users and contents; every third has no content, every other one a timestamp. */
function items(n: number, base = Date.UTC(2020, 0, 1)) {
  return Array.from({ length: n }, (_, i) => ({
    userId: String(users[i % users.length].id),
    type: TYPES[i % TYPES.length],
    ...(i % 3 === 0 ? {} : { contentId: String(contents[i % contents.length].id) }),
    ...(i % 2 === 0 ? { timestamp: new Date(base + i * 1000).toISOString() } : {}),
  }));
}

/** Rows written after sinceId, by user, then id: rows go in by user, input order within a user. */
const stored = async (sinceId: number) =>
  (
    await db.pool.query(
      `SELECT user_id, content_id, interaction_type, timestamp FROM user_interactions WHERE id > $1 ORDER BY user_id, id`,
      [sinceId],
    )
  ).rows;
/** The input in the order `stored` returns it (a stable sort by user id). */
const byUser = <T extends { userId: string }>(input: T[]): T[] =>
  input
    .map((it, i) => ({ it, i }))
    .sort((a, b) => Number(a.it.userId) - Number(b.it.userId) || a.i - b.i)
    .map((x) => x.it);
const maxId = async () => Number((await db.pool.query('SELECT coalesce(max(id), 0) AS m FROM user_interactions')).rows[0].m);

test('stores every item as given: lower-case type, content or null, timestamp or now', async () => {
  const since = await maxId();
  const sent = items(7);
  const before = Date.now();
  const res = await server.gql(M.recordInteractions, { input: sent });
  expect(ok(res).recordInteractions).toEqual({ inserted: 7 });
  const input = byUser(sent);
  const rows = await stored(since);
  expect(rows).toHaveLength(7);
  rows.forEach((r, i) => {
    expect(r.user_id).toBe(Number(input[i].userId));
    expect(r.content_id).toBe(input[i].contentId ? Number(input[i].contentId) : null);
    expect(r.interaction_type).toBe(input[i].type.toLowerCase());
    if (input[i].timestamp) expect(r.timestamp.toISOString()).toBe(input[i].timestamp);
    else expect(r.timestamp.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});

test('timestamps with an offset are stored as the instant and read back in UTC with milliseconds', async () => {
  const user = await f.user();
  ok(
    await server.gql(M.recordInteractions, {
      input: [
        { userId: String(user.id), type: 'LIKE', timestamp: '2026-04-01T10:00:00.123+05:30' },
        { userId: String(user.id), type: 'VIEW', timestamp: '2026-03-31T23:00:00-08:00' },
      ],
    }),
  );
  const read = ok(
    await server.gql(`query ($id: ID!) { communityUser(id: $id) { interactions(first: 5) { nodes { type timestamp } } } }`, {
      id: String(user.id),
    }),
  );
  expect(read.communityUser.interactions.nodes).toEqual([
    { type: 'VIEW', timestamp: '2026-04-01T07:00:00.000Z' },
    { type: 'LIKE', timestamp: '2026-04-01T04:30:00.123Z' },
  ]);
  for (const n of read.communityUser.interactions.nodes) expect(n.timestamp).toMatch(UTC_MS);
});

test('5000 items: one call, the same number of SQL statements as for 1 item', async () => {
  const since = await maxId();
  const one = await server.gql(M.recordInteractions, { input: items(1) });
  const many = await server.gql(M.recordInteractions, { input: items(5000) });
  expect(ok(one).recordInteractions.inserted).toBe(1);
  expect(ok(many).recordInteractions.inserted).toBe(5000);
  expect(one.extensions?.queryStats?.sqlQueries).toBe(1);
  expect(many.extensions?.queryStats?.sqlQueries).toBe(one.extensions?.queryStats?.sqlQueries);
  // every one of the 5001 rows, as sent (by user; a default timestamp is the call's "now")
  const key = (u: unknown, c: unknown, t: string, ts: string) => `${u}|${c ?? '-'}|${t}|${ts}`;
  const rows = await stored(since);
  const now = new Set(rows.filter((r) => r.timestamp.getUTCFullYear() !== 2020).map((r) => r.timestamp.getTime()));
  expect(now.size).toBeLessThanOrEqual(2); // one "now" per call
  const got = rows.map((r) =>
    key(r.user_id, r.content_id, r.interaction_type, now.has(r.timestamp.getTime()) ? 'now' : r.timestamp.toISOString()),
  );
  const want = byUser([...items(1), ...items(5000)]).map((i) => key(i.userId, i.contentId, i.type.toLowerCase(), i.timestamp ?? 'now'));
  expect(got.sort()).toEqual(want.sort());
});

test('an unknown userId anywhere rejects the whole call and names the item index', async () => {
  const input = items(5000);
  input[3] = { ...input[3], userId: '987654' };
  const res = await expectRefused(server, db.pool, M.recordInteractions, { input }, 'input[3].userId');
  expect(res.errors![0].extensions?.fields).toEqual(['input[3].userId']);
  expect(res.errors![0].message).toContain('987654');
});

test('an unknown contentId deep in the list names its index; several offenders are listed in order', async () => {
  const input = items(3000);
  input[2999] = { ...input[2999], contentId: '123456' };
  input[1500] = { ...input[1500], userId: '555555', contentId: '666666' };
  const res = await expectRefused(server, db.pool, M.recordInteractions, { input }, 'input[1500].userId');
  expect(res.errors![0].extensions?.fields).toEqual(['input[1500].userId', 'input[1500].contentId', 'input[2999].contentId']);
});

test('an id beyond the int4 key range is an unknown id, not a server error', async () => {
  const input = items(4);
  input[2] = { ...input[2], contentId: '9007199254740991' };
  await expectRefused(server, db.pool, M.recordInteractions, { input }, 'input[2].contentId');
});

test('a malformed id names its index', async () => {
  const input = items(10);
  input[9] = { ...input[9], userId: '12a' };
  await expectRefused(server, db.pool, M.recordInteractions, { input }, 'input[9].userId');
});

test('an unknown interaction type is refused by the enum, naming the item', async () => {
  const input = items(3);
  input[1] = { ...input[1], type: 'POKE' };
  await expectRefused(server, db.pool, M.recordInteractions, { input }, 'input[1].type');
});

test('a relation read later in the same request sees the recorded rows, not the earlier cached page', async () => {
  const user = await f.user({ handle: 'fresh', platform: 'x' });
  const res = ok(
    await server.gql(
      `mutation ($input: [RecordInteractionInput!]!) {
      before: upsertCommunityUser(input: { handle: "fresh", platform: X }) { interactions { totalCount } }
      record: recordInteractions(input: $input) { inserted }
      after: upsertCommunityUser(input: { handle: "fresh", platform: X }) { interactions { totalCount nodes { type } } }
    }`,
      { input: [{ userId: String(user.id), type: 'FOLLOW' }] },
    ),
  );
  expect(res).toEqual({
    before: { interactions: { totalCount: 0 } },
    record: { inserted: 1 },
    after: { interactions: { totalCount: 1, nodes: [{ type: 'FOLLOW' }] } },
  });
});

describe('recordInteractionColumns: the same interactions as parallel lists', () => {
  const COLUMNS = `mutation ($input: RecordInteractionColumnsInput!) { recordInteractionColumns(input: $input) { inserted } }`;
  const columns = (list: ReturnType<typeof items>) => ({
    userIds: list.map((i) => i.userId),
    types: list.map((i) => i.type),
    contentIds: list.map((i) => i.contentId ?? null),
    timestamps: list.map((i) => i.timestamp ?? null),
  });

  test('stores exactly what recordInteractions stores for the same items, in one statement', async () => {
    const sent = items(500);
    const strip = (rows: any[]) =>
      rows.map((r) => ({ ...r, timestamp: r.timestamp.getUTCFullYear() === 2020 ? r.timestamp.toISOString() : 'now' }));
    const a = await maxId();
    ok(await server.gql(M.recordInteractions, { input: sent }));
    const first = strip(await stored(a));
    const b = await maxId();
    const res = await server.gql(COLUMNS, { input: columns(sent) });
    expect(ok(res).recordInteractionColumns).toEqual({ inserted: 500 });
    expect(res.extensions?.queryStats?.sqlQueries).toBe(1);
    expect(first).toHaveLength(500);
    expect(strip(await stored(b))).toEqual(first);
  });

  test('contentIds and timestamps may be left out', async () => {
    const user = await f.user();
    const since = await maxId();
    ok(await server.gql(COLUMNS, { input: { userIds: [String(user.id), String(user.id)], types: ['LIKE', 'VIEW'] } }));
    const rows = await stored(since);
    expect(rows.map((r) => [r.user_id, r.content_id, r.interaction_type])).toEqual([
      [user.id, null, 'like'],
      [user.id, null, 'view'],
    ]);
  });

  test('lists of different lengths, a malformed id and an unknown id are refused, naming the list item', async () => {
    const input = columns(items(6));
    await expectRefused(server, db.pool, COLUMNS, { input: { ...input, types: input.types.slice(1) } }, 'input.types');
    await expectRefused(server, db.pool, COLUMNS, { input: { ...input, timestamps: [] } }, 'input.timestamps');
    const badId = { ...input, contentIds: input.contentIds.map((c, i) => (i === 4 ? '4x' : c)) };
    await expectRefused(server, db.pool, COLUMNS, { input: badId }, 'input.contentIds[4]');
    const unknown = { ...input, userIds: input.userIds.map((u, i) => (i === 5 ? '987654' : u)) };
    const res = await expectRefused(server, db.pool, COLUMNS, { input: unknown }, 'input.userIds[5]');
    expect(res.errors![0].message).toContain('no community user has id "987654"');
    await expectRefused(server, db.pool, COLUMNS, { input: { userIds: [], types: [] } }, 'input.userIds');
  });
});
