/**
 * The run wrapper under pressure: concurrent runs of one agent serialise on its advisory lock and
 * all succeed; readers see all-old or all-new scores; a run that fails after its first statement
 * (test hook) or on the agents' statement_timeout changes nothing and is recorded as a failure.
 */
import 'reflect-metadata';
import { AGENT_LOCK_CLASS } from '../../src/agents/run-agent';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';
import { DAY_MS, expectClose, expectedScores, Interaction, resetTables, runRows, tierOf } from './helpers';

const { db, server, startServer } = useTestServer('agents_concurrency');
beforeEach(() => resetTables(db.pool));

const asOf = new Date('2026-09-01T00:00:00.000Z');
const RECOMPUTE = `mutation($asOf: DateTime, $windowDays: Int) { recomputeEngagementScores(input: {asOf: $asOf, windowDays: $windowDays}) {
  usersScored promoted demoted tiers { tier users } run { id status } } }`;

/**
 * `users` users with `perUser` interactions each over the 60 days before asOf, made by
 * generate_series with a deterministic spread; the rows are read back so that the test computes
 * the expected scores itself.
 */
async function generate(users: number, perUser: number, readBack = false): Promise<{ ids: number[]; interactions: Interaction[] }> {
  await db.pool.query(`INSERT INTO community_users (handle, platform) SELECT 'gen' || g, 'youtube' FROM generate_series(1, $1) g`, [users]);
  await db.pool.query(
    `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
     SELECT (SELECT min(id) FROM community_users) + g % $1::int,
            (ARRAY['view','like','comment','share','click','follow','signup','purchase'])[1 + (g * 7) % 8],
            $3::timestamptz - ((g::int8 * 7919) % (60 * 86400)) * interval '1 second'
     FROM generate_series(0, $1::int * $2::int - 1) g`,
    [users, perUser, asOf],
  );
  await db.pool.query('ANALYZE community_users, user_interactions');
  if (!readBack) return { ids: [], interactions: [] };
  const ids = (await db.pool.query('SELECT id FROM community_users ORDER BY id')).rows.map((r) => r.id);
  const interactions = (await db.pool.query('SELECT user_id, interaction_type, timestamp FROM user_interactions')).rows.map((r) => ({
    userId: r.user_id,
    type: r.interaction_type,
    timestamp: r.timestamp,
  }));
  return { ids, interactions };
}

const scores = async () =>
  (await db.pool.query('SELECT id, engagement_score, tier, score_updated_at FROM community_users ORDER BY id')).rows;
/** Server connections of this database that wait for an advisory lock (an agent run waiting for its turn). */
const lockWaiters = async () =>
  (
    await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    )
  ).rows[0].n as number;

test('five concurrent recomputes: all succeed, five success runs, the scores of one call', async () => {
  const { ids, interactions } = await generate(500, 8, true);
  const one = ok(await server.gql(RECOMPUTE, { asOf: asOf.toISOString() })).recomputeEngagementScores;
  const afterOne = await scores();
  await db.pool.query("UPDATE community_users SET engagement_score = 0, tier = 'newcomer', score_updated_at = NULL");
  await db.pool.query('TRUNCATE agent_logs CASCADE');

  const results = await Promise.all(Array.from({ length: 5 }, () => server.gql(RECOMPUTE, { asOf: asOf.toISOString() })));
  results.forEach((r) => expect(r.errors).toBeUndefined());
  const runs = await runRows(db.pool);
  expect(runs.map((r) => [r.agent_name, r.status])).toEqual(Array(5).fill(['ConversionAgent', 'success']));
  expect(await scores()).toEqual(afterOne);
  // The first to get the lock wrote everybody; the four after it found nothing to change.
  const promoted = results.map((r) => r.data.recomputeEngagementScores.promoted).sort((a, b) => b - a);
  expect(promoted).toEqual([one.promoted, 0, 0, 0, 0]);
  results.forEach((r) => expect(r.data.recomputeEngagementScores.tiers).toEqual(one.tiers));

  const expected = expectedScores(ids, interactions, asOf, 30, null);
  for (const row of afterOne) {
    expectClose(row.engagement_score, expected.get(row.id)!.score, `user ${row.id}`);
    expect(row.tier.toUpperCase()).toBe(tierOf(expected.get(row.id)!.score));
  }
});

test('waiting runs queue in memory, not on pooled connections: readers are still served', async () => {
  await generate(300, 6);
  const small = await startServer({ DB_POOL_MAX: '3', DB_CONNECTION_TIMEOUT_MS: '1000' });
  const holder = await db.pool.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [AGENT_LOCK_CLASS, 'ConversionAgent']);
    const calls = Array.from({ length: 6 }, () => small.gql(RECOMPUTE, { asOf: asOf.toISOString() }));
    await until('one run waiting for the lock', async () => (await runRows(db.pool)).length === 1 && (await lockWaiters()) === 1);
    // One run holds one connection while it waits for the lock; the pool still serves a reader.
    const read = await small.gql('{ tierDistribution { users } }');
    expect(read.errors).toBeUndefined();
    // A run's row is written on its own connection when its turn comes: the five queued in memory have none yet.
    expect((await runRows(db.pool)).map((r) => r.status)).toEqual(['running']);
    await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [AGENT_LOCK_CLASS, 'ConversionAgent']);
    (await Promise.all(calls)).forEach((r) => expect(r.errors).toBeUndefined());
    expect((await runRows(db.pool)).map((r) => r.status)).toEqual(Array(6).fill('success'));
  } finally {
    holder.release();
    await small.stop();
  }
});

test("a run waits for the agent's lock, then runs", async () => {
  await generate(50, 4);
  const holder = await db.pool.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [AGENT_LOCK_CLASS, 'ConversionAgent']);
    const call = server.gql(RECOMPUTE, { asOf: asOf.toISOString() });
    await until('the run to wait for the lock', async () => (await lockWaiters()) === 1);
    // Its run row is committed and visible while it waits; no score has moved.
    expect((await runRows(db.pool)).map((r) => r.status)).toEqual(['running']);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM community_users WHERE score_updated_at IS NOT NULL')).rows[0].n).toBe(0);
    // Another agent is not blocked by this one's lock.
    expect(
      ok(await server.gql('mutation { analyzeAgentPerformance { stats { agentName totalRuns } } }')).analyzeAgentPerformance.stats,
    ).toEqual([{ agentName: 'ConversionAgent', totalRuns: 1 }]);
    await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [AGENT_LOCK_CLASS, 'ConversionAgent']);
    expect(ok(await call).recomputeEngagementScores.run.status).toBe('SUCCESS');
  } finally {
    holder.release();
  }
});

test('a reader during a recompute sees all-old or all-new scores', async () => {
  await generate(20_000, 12);
  const before = ok(await server.gql(RECOMPUTE, { asOf: asOf.toISOString() })).recomputeEngagementScores;
  const later = new Date(asOf.getTime() + 9 * DAY_MS);
  const observe = () =>
    db.pool.query(
      `SELECT sum(engagement_score::numeric) AS total, count(*) FILTER (WHERE score_updated_at = $1)::int AS moved,
              (SELECT count(*)::int FROM agent_logs WHERE status = 'running') AS running
       FROM community_users`,
      [later],
    );
  const old = (await observe()).rows[0];

  let done = false;
  const seen: { total: number; moved: number; running: number }[] = [];
  const tiersSeen: string[] = [];
  const poll = (async () => {
    while (!done) {
      seen.push((await observe()).rows[0]);
      tiersSeen.push(JSON.stringify(ok(await server.gql('{ tierDistribution { tier users } }')).tierDistribution));
    }
  })();
  const after = ok(await server.gql(RECOMPUTE, { asOf: later.toISOString() })).recomputeEngagementScores;
  done = true;
  await poll;
  const fresh = (await observe()).rows[0];
  expect(fresh.moved).toBeGreaterThan(1000);
  expect(fresh.total).not.toBe(old.total);
  expect(seen.filter((s) => s.running > 0).length).toBeGreaterThan(0); // some reads happened during the run
  for (const s of seen) {
    const isOld = s.total === old.total && s.moved === 0;
    const isNew = s.total === fresh.total && s.moved === fresh.moved;
    expect({ s, ok: isOld || isNew }).toEqual({ s, ok: true });
  }
  const allowed = new Set([JSON.stringify(before.tiers), JSON.stringify(after.tiers)]);
  tiersSeen.forEach((t) => expect(allowed.has(t)).toBe(true));
});

describe('failed runs', () => {
  test.each([
    ['AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT', 'ConversionAgent', /^injected failure after the first statement/],
    ['AGENT_STATEMENT_TIMEOUT_MS', '1', /statement timeout/],
  ])('%s=%s: no score changes, the run is a failure with its error', async (name, value, error) => {
    await generate(3000, 10);
    const broken = await startServer({ [name]: value });
    const before = await scores();
    const res = await broken.gql(RECOMPUTE, { asOf: asOf.toISOString() });
    expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors?.[0].message).toBe('Internal server error');
    const runs = await runRows(db.pool);
    expect(runs).toHaveLength(1);
    expect(res.errors?.[0].extensions?.runId).toBe(runs[0].id);
    expect(runs[0]).toMatchObject({ agent_name: 'ConversionAgent', status: 'failure' });
    expect(runs[0].error).toMatch(error);
    expect(runs[0].finished_at).not.toBeNull();
    expect(await scores()).toEqual(before);
    // The normal server, on the same data, does change them.
    ok(await server.gql(RECOMPUTE, { asOf: asOf.toISOString() }));
    expect(await scores()).not.toEqual(before);
  });
});
