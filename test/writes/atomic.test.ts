/**
 * A mutation operation is all-or-nothing (docs/api.md "Mutation operations"): two or more Mutation
 * fields run in one transaction, committed only when the response has no error; an agent mutation
 * runs alone; a single field runs as before, with no BEGIN/COMMIT of its own.
 */
import { Pool } from 'pg';
import { Db } from '../../src/db/db';
import { factories, rowCounts } from '../support/factories';
import { GqlResult, ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { fingerprint } from './support';

const KEYS = { reader: 'reader-key-atomic-0001', writer: 'writer-key-atomic-0001', admin: 'admin-key-atomic-00001' };
const as = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

const { db, server } = useTestServer('writes_atomic', { API_KEYS: `reader:${KEYS.reader},writer:${KEYS.writer},admin:${KEYS.admin}` });
let userId: string;
let contentId: string;
let insightId: string;

beforeAll(async () => {
  const f = factories(db.pool);
  userId = String((await f.user()).id);
  contentId = String((await f.content({ contentPlanId: (await f.plan()).id })).id);
  insightId = String((await f.insight()).id);
});

/** Sends `query` and proves that it wrote nothing at all: every row of every table is as before. */
async function writesNothing(query: string, variables: Record<string, unknown>, role: keyof typeof KEYS = 'writer'): Promise<GqlResult> {
  const counts = await rowCounts(db.pool);
  const before = await fingerprint(db.pool);
  const res = await server.gql(query, variables, as(role));
  expect(await rowCounts(db.pool)).toEqual(counts);
  expect(await fingerprint(db.pool)).toEqual(before);
  return res;
}

const stats = (res: GqlResult) => res.extensions!.queryStats as { sqlQueries: number };
const codes = (res: GqlResult) => (res.errors ?? []).map((e) => e.extensions?.code);

/** The pool's connections in use and waiting, from /metrics: both 0 when nothing leaked. */
async function poolInUse(): Promise<{ inUse: number; waiting: number }> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: as('admin') })).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)![1]);
  return { inUse: gauge('db_pool_total_connections') - gauge('db_pool_idle_connections'), waiting: gauge('db_pool_waiting_clients') };
}

const TWO_INGESTS = `mutation ($good: [RecordInteractionInput!]!, $bad: [RecordInteractionInput!]!) {
  a: recordInteractions(input: $good) { inserted }
  b: recordInteractions(input: $bad) { inserted } }`;

describe('a failing field rolls back the whole operation', () => {
  test('a good recordInteractions before a refused one is not written, and the response says so', async () => {
    const res = await writesNothing(TWO_INGESTS, {
      good: [
        { userId, contentId, type: 'VIEW' },
        { userId, type: 'LIKE' },
      ],
      bad: [{ userId: '999999', type: 'VIEW' }],
    });
    expect(res.data).toBeNull();
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].path).toEqual(['b']);
    expect(res.extensions!.transaction).toBe('ROLLED_BACK');
  });

  test('a field refused for its input after two writes of other kinds: none of them is kept', async () => {
    const res = await writesNothing(
      `mutation ($c: ID!) {
        i: createInsight(input: { topic: "kept only if all succeed" }) { id }
        m: updateContentMetrics(input: { contentId: $c, views: 42 }) { views }
        u: upsertCommunityUser(input: { handle: "  ", platform: YOUTUBE }) { id } }`,
      { c: contentId },
    );
    expect(res.data).toBeNull();
    expect(res.errors![0]).toMatchObject({ path: ['u'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.extensions!.transaction).toBe('ROLLED_BACK');
  });

  test('without a role, nothing runs: no statement at all, not even BEGIN', async () => {
    const res = await writesNothing(
      `mutation { a: createInsight(input: { topic: "x" }) { id } b: createInsight(input: { topic: "y" }) { id } }`,
      {},
      'reader',
    );
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
    expect(stats(res).sqlQueries).toBe(0);
  });

  test('no connection stays checked out or in a transaction after failed operations, even concurrent ones', async () => {
    const bad = { good: [{ userId, type: 'VIEW' }], bad: [{ userId, contentId: '999999', type: 'VIEW' }] };
    const results = await Promise.all(Array.from({ length: 12 }, () => server.gql(TWO_INGESTS, bad, as('writer'))));
    for (const res of results) expect(res.extensions!.transaction).toBe('ROLLED_BACK');
    expect(await poolInUse()).toEqual({ inUse: 0, waiting: 0 });
    const open = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open.rows[0].n).toBe(0);
    // The pool still serves: the same operation with good items commits.
    const good = await server.gql(TWO_INGESTS, { good: bad.good, bad: bad.good }, as('writer'));
    expect(ok(good)).toEqual({ a: { inserted: 1 }, b: { inserted: 1 } });
  });
});

describe('a good operation commits every field, in one transaction', () => {
  test('two writes land together (one transaction id), with BEGIN and COMMIT around them', async () => {
    const res = await server.gql(
      `mutation ($i: ID!) {
        a: createContentPlan(input: { insightId: $i, title: "first", format: VIDEO, platform: YOUTUBE }) { id }
        b: createContentPlan(input: { insightId: $i, title: "second", format: IMAGE, platform: X }) { id } }`,
      { i: insightId },
      as('writer'),
    );
    const data = ok(res);
    expect(res.extensions!.transaction).toBe('COMMITTED');
    expect(stats(res).sqlQueries).toBe(4); // BEGIN, two INSERTs, COMMIT
    const rows = await db.pool.query(`SELECT xmin::text AS tx FROM content_plans WHERE id = ANY($1::int[])`, [[data.a.id, data.b.id]]);
    expect(rows.rows).toHaveLength(2);
    expect(rows.rows[0].tx).toBe(rows.rows[1].tx);
  });

  test('a later field reads what an earlier one wrote, its nested loaders too', async () => {
    const handle = `atomic-${Math.random().toString(36).slice(2, 8)}`;
    const before = Number((await db.pool.query(`SELECT count(*) AS n FROM content_plans WHERE insight_id = $1`, [insightId])).rows[0].n);
    const res = await server.gql(
      `mutation ($h: String!, $i: ID!) {
        a: upsertCommunityUser(input: { handle: $h, platform: TIKTOK, displayName: "Set by a" }) { id }
        b: upsertCommunityUser(input: { handle: $h, platform: TIKTOK }) { id displayName }
        c: createContentPlan(input: { insightId: $i, title: "third", format: VIDEO, platform: YOUTUBE }) { id }
        d: createContentPlan(input: { insightId: $i, title: "fourth", format: VIDEO, platform: YOUTUBE }) {
          insight { contentPlans(first: 100) { totalCount } } } }`,
      { h: handle, i: insightId },
      as('writer'),
    );
    const data = ok(res);
    expect(data.b).toEqual({ id: data.a.id, displayName: 'Set by a' });
    expect(data.d.insight.contentPlans.totalCount).toBe(before + 2);
  });

  test('fragments and @skip decide what counts: one field left is a plain single-field mutation', async () => {
    const query = `mutation ($skip: Boolean!) { ...W }
      fragment W on Mutation { a: createInsight(input: { topic: "a" }) { id } b: createInsight(input: { topic: "b" }) @skip(if: $skip) { id } }`;
    const both = await server.gql(query, { skip: false }, as('writer'));
    expect(Object.keys(ok(both))).toEqual(['a', 'b']);
    expect(both.extensions!.transaction).toBe('COMMITTED');
    const one = await server.gql(query, { skip: true }, as('writer'));
    expect(Object.keys(ok(one))).toEqual(['a']);
    expect(one.extensions!.transaction).toBeUndefined();
    expect(stats(one).sqlQueries).toBe(1);
  });
});

describe('single-field mutations run as before', () => {
  test('one statement, no BEGIN/COMMIT, no transaction note; __typename does not count', async () => {
    const res = await server.gql(`mutation { __typename createInsight(input: { topic: "alone" }) { id } }`, {}, as('writer'));
    expect(ok(res).createInsight.id).toBeTruthy();
    expect(stats(res).sqlQueries).toBe(1);
    expect(res.extensions!.transaction).toBeUndefined();
  });
});

describe('an agent mutation runs alone', () => {
  const refusals: [string, string, keyof typeof KEYS][] = [
    [
      'after an ingest, with a writer key',
      `mutation { a: createInsight(input: { topic: "x" }) { id } b: tuneStrategy { version } }`,
      'writer',
    ],
    [
      'before an ingest, with an admin key',
      `mutation { b: analyzeAgentPerformance { since } a: createInsight(input: { topic: "x" }) { id } }`,
      'admin',
    ],
    ['twice', `mutation { a: analyzeAgentPerformance { since } b: analyzeAgentPerformance { since } }`, 'admin'],
    [
      'through a fragment',
      `mutation { ...A } fragment A on Mutation { recordAgentRun(input: { agentName: "x", status: SUCCESS,
      startedAt: "2026-01-01T00:00:00Z" }) { id } recomputeEngagementScores { usersScored } }`,
      'admin',
    ],
  ];
  test.each(refusals)('refused before anything runs: %s', async (_name, query, role) => {
    const res = await writesNothing(query, {}, role);
    expect(res.data).toBeUndefined();
    expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(res.errors![0].message).toMatch(/must be the only field of its mutation operation/);
    expect(stats(res).sqlQueries).toBe(0);
  });

  test('alone (another field skipped), it runs and records its run', async () => {
    const res = await server.gql(
      `mutation ($skip: Boolean!) { a: createInsight(input: { topic: "x" }) @skip(if: $skip) { id } b: analyzeAgentPerformance { run { status } } }`,
      { skip: true },
      as('admin'),
    );
    expect(ok(res).b.run.status).toBe('SUCCESS');
    expect(res.extensions!.transaction).toBeUndefined();
  });
});

describe('Db transactions', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
  });

  test('a transaction that runs no statement takes no connection; one that does gives it back', async () => {
    const tx = new Db(pool).begin();
    await tx.commit();
    expect(pool.totalCount).toBe(0);
    const used = new Db(pool).begin();
    expect(await used.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(pool.totalCount - pool.idleCount).toBe(1);
    await used.rollback();
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  test('transaction() inside a transaction runs in it: the inner error rolls back both', async () => {
    const topic = `nested-${Math.random()}`;
    const outer = new Db(pool).begin();
    await outer.db.query(`INSERT INTO insights (topic) VALUES ($1)`, [topic]);
    await expect(
      outer.db.transaction(async (inner) => {
        expect(inner).toBe(outer.db);
        await inner.query(`INSERT INTO insights (topic) VALUES ($1)`, [topic]);
        throw new Error('inner failure');
      }),
    ).rejects.toThrow('inner failure');
    await outer.rollback();
    expect((await pool.query(`SELECT count(*)::int AS n FROM insights WHERE topic = $1`, [topic])).rows[0].n).toBe(0);
  });

  test('a recoverable statement that fails leaves the transaction usable: the writes before it commit', async () => {
    const topic = `recovered-${Math.random()}`;
    const tx = new Db(pool).begin();
    await tx.db.query(`INSERT INTO insights (topic) VALUES ($1)`, [topic]);
    await expect(
      tx.db.recoverable(`INSERT INTO content_plans (insight_id, title, format, platform) VALUES (-1, 't', 'video', 'x')`),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await tx.db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    await tx.commit();
    expect((await pool.query(`SELECT count(*)::int AS n FROM insights WHERE topic = $1`, [topic])).rows[0].n).toBe(1);
  });

  test('commit after a failed statement does not pretend: it rolls back and throws', async () => {
    const topic = `swallowed-${Math.random()}`;
    const tx = new Db(pool).begin();
    await tx.db.query(`INSERT INTO insights (topic) VALUES ($1)`, [topic]);
    await tx.db.query('SELECT 1 / 0').catch(() => undefined); // a caller that swallows the error
    await expect(tx.commit()).rejects.toThrow(/not committed/);
    expect((await pool.query(`SELECT count(*)::int AS n FROM insights WHERE topic = $1`, [topic])).rows[0].n).toBe(0);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });
});
