/**
 * Plans on a generated dataset (10k users, 120k interactions over a year): the recompute's window
 * aggregate reads only the month partitions of the window, a partly covered one by an index-only
 * range scan of idx_user_interactions_timestamp_user_type, and a tier's
 * top users (communityUsers filtered by tier, by score) walk idx_community_users_tier_score_id with
 * no sort. Both indexes and why they beat the contract's (user_id, timestamp) and (tier,
 * engagement_score) are explained in src/agents/conversion.agent.ts and community-user.entity.ts.
 */
import 'reflect-metadata';
import type { QueryResultRow } from 'pg';
import { RECOMPUTE_SQL, windowStart } from '../../src/agents/conversion.agent';
import { Db } from '../../src/db/db';
import { ensureMonths } from '../../src/db/partitions';
import { Tier } from '../../src/graphql/enums';
import { listCommunityUsers } from '../../src/modules/community-user/community-user.service';
import { TIER_RANKS } from '../../src/modules/community-user/tier-distribution';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const { db, server } = useTestServer('agents_plans');
const asOf = new Date('2026-10-01T00:00:00.000Z');

beforeAll(async () => {
  // The month partitions of the data's year first, as the seed makes them (docs/data-model.md "Partitions").
  await ensureMonths(async (text, params) => (await db.pool.query(text, params)).rows, new Date(asOf.getTime() - 366 * 86400_000), asOf);
  // Committed synchronously: after an asynchronous commit (synchronous_commit=off, as on the throwaway
  // embedded PostgreSQL of global-setup.ts) VACUUM cannot mark the pages all-visible until the WAL is
  // flushed, and without the visibility map an index-only scan costs more than a bitmap scan.
  const c = await db.pool.connect();
  try {
    await c.query('SET synchronous_commit = on');
    await c.query(`INSERT INTO community_users (handle, platform) SELECT 'p' || g, 'x' FROM generate_series(1, 10000) g`);
    await c.query(
      `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
       SELECT (SELECT min(id) FROM community_users) + (g * 7) % 10000,
              (ARRAY['view','view','view','like','click','comment','follow','share','signup','purchase'])[1 + (g * 13) % 10],
              $1::timestamptz - (365 * 86400 * g::float8 / 120000) * interval '1 second'
       FROM generate_series(1, 120000) g`,
      [asOf],
    );
    await c.query('RESET synchronous_commit');
  } finally {
    c.release();
  }
  await db.pool.query('VACUUM ANALYZE user_interactions');
  ok(
    await server.gql('mutation($asOf: DateTime) { recomputeEngagementScores(input: {asOf: $asOf, windowDays: 120}) { usersScored } }', {
      asOf: asOf.toISOString(),
    }),
  );
  await db.pool.query('VACUUM ANALYZE community_users');
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

async function plan(sql: string, params: unknown[]): Promise<PlanNode[]> {
  const r = await db.pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    nodes.push(n);
    n.Plans?.forEach(walk);
  };
  walk(r.rows[0]['QUERY PLAN'][0].Plan);
  return nodes;
}

/** A Db that keeps the statements it runs, to EXPLAIN exactly what the service sends. */
class RecordingDb extends Db {
  readonly statements: { sql: string; params: unknown[] }[] = [];
  override async query<R extends QueryResultRow = Record<string, any>>(sql: string, params: unknown[] = []): Promise<R[]> {
    this.statements.push({ sql, params });
    return super.query<R>(sql, params);
  }
}

test.each([
  ['30-day window', 30, null],
  ['30-day window with half-life', 30, 7],
  ['7-day window', 7, null],
])(
  'recompute aggregate (%s): only the partitions of the window, an index-only range scan of a partly covered one',
  async (_label, windowDays, halfLifeDays) => {
    const nodes = await plan(RECOMPUTE_SQL, [asOf, windowStart(asOf, windowDays), halfLifeDays, TIER_RANKS, null]); // $5 null: every user (the full run)
    // Partitioned by month: only September's and October's partitions are read (asOf is October 1st
    // 00:00). A window that covers part of a month reads it with an index-only range scan of that
    // partition's index of idx_user_interactions_timestamp_user_type; one that covers a whole month
    // reads all of that partition, where a sequential scan is the cheaper way.
    const scans = nodes.filter((n) => n['Relation Name']?.startsWith('user_interactions'));
    expect([...new Set(scans.map((n) => n['Relation Name']))].sort()).toEqual(expect.arrayContaining(['user_interactions_p2026_09']));
    for (const n of scans) expect(['user_interactions_p2026_09', 'user_interactions_p2026_10']).toContain(n['Relation Name']);
    const september = scans.find((n) => n['Relation Name'] === 'user_interactions_p2026_09')!;
    if (windowDays < 30) {
      expect(september['Node Type']).toBe('Index Only Scan');
      const { rows } = await db.pool.query(`SELECT pg_partition_root(to_regclass($1))::regclass::text AS root`, [september['Index Name']]);
      expect(rows[0].root).toBe('idx_user_interactions_timestamp_user_type');
    }
  },
);

// 30 users against a 30-day window of about 10k entries: the proportion of 2,500 users against the
// 810k entries of the benchmark's window (BENCHMARKS.md, "Automatic agents").
test('incremental recompute over 30 users: an index-only scan of their ranges, not of the whole window', async () => {
  const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM community_users ORDER BY id DESC LIMIT 30');
  const nodes = await plan(RECOMPUTE_SQL, [asOf, windowStart(asOf, 30), null, TIER_RANKS, rows.map((r) => r.id)]);
  // Only the window's partitions; September's (the one holding the window's rows) through its
  // partition of idx_user_interactions_user_timestamp_type, an index-only scan of those users' ranges.
  // October's holds no row at asOf: PostgreSQL may read the empty partition any way it likes.
  const scans = nodes.filter((n) => n['Relation Name']?.startsWith('user_interactions'));
  for (const n of scans) expect(['user_interactions_p2026_09', 'user_interactions_p2026_10']).toContain(n['Relation Name']);
  const september = scans.find((n) => n['Relation Name'] === 'user_interactions_p2026_09')!;
  expect(september['Node Type']).toBe('Index Only Scan');
  const { rows: root } = await db.pool.query(`SELECT pg_partition_root(to_regclass($1))::regclass::text AS root`, [
    september['Index Name'],
  ]);
  expect(root[0].root).toBe('idx_user_interactions_user_timestamp_type');
});

test.each([Tier.CHAMPION, Tier.ADVOCATE, Tier.ENGAGED, Tier.NEWCOMER])(
  'top users of %s: keyset index walk both ways, no sort',
  async (tier) => {
    const rec = new RecordingDb(db.pool);
    for (const backward of [false, true]) {
      for (const after of [null, 'second page']) {
        let cursor: string | null = null;
        if (after) {
          const first = await listCommunityUsers(new Db(db.pool), { first: 5, filter: { tier } });
          cursor = first.pageInfo.endCursor;
          if (!cursor) continue;
        }
        rec.statements.length = 0;
        await listCommunityUsers(
          rec,
          backward ? { first: 20, last: 20, before: cursor, filter: { tier } } : { first: 20, after: cursor, filter: { tier } },
        );
        const nodes = await plan(rec.statements[0].sql, rec.statements[0].params);
        // With a cursor, the page and the one-row probe of the cursor's other side (pageInfo) both walk the index.
        const walks = cursor ? 2 : 1;
        expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toEqual(Array(walks).fill('idx_community_users_tier_score_id'));
        expect(nodes.some((n) => /Sort/.test(n['Node Type']))).toBe(false);
      }
    }
  },
);
