/**
 * The agents' aggregate reads (tierDistribution, agentPerformance) go through the result cache:
 * a repeated read is a hit with no SQL, and an answer is never stale once a mutation that changes
 * it (an ingest mutation or an agent run) has returned, with either backend and across two
 * instances on one Redis. Expectations are counted here from what the test wrote.
 */
import { useCacheBackends } from '../support/cache-backends';
import { factories } from '../support/factories';
import { ok, stats } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const { db, serve } = useTestServer('agent_cache', null);
const backends = useCacheBackends(serve, 'agent-reads-cache');
const TIERS = `{ tierDistribution { tier users } }`;
const PERF = `{ agentPerformance { agentName totalRuns successfulRuns lastRunAt } }`;

async function tierCounts(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query(`SELECT tier, count(*)::int AS n FROM community_users GROUP BY tier`);
  const out: Record<string, number> = { NEWCOMER: 0, ENGAGED: 0, ADVOCATE: 0, CHAMPION: 0 };
  for (const r of rows) out[r.tier.toUpperCase()] = r.n;
  return out;
}
const asMap = (d: any): Record<string, number> => Object.fromEntries(d.tierDistribution.map((t: any) => [t.tier, t.users]));
const runsOf = (d: any, name: string): number => d.agentPerformance.find((s: any) => s.agentName === name)?.totalRuns ?? 0;

backends.each((server) => {
  test('tierDistribution: hit without SQL; upsertCommunityUser and recomputeEngagementScores invalidate', async () => {
    const first = await server.gql(TIERS);
    expect(asMap(ok(first))).toEqual(await tierCounts());
    const second = await server.gql(TIERS);
    expect(stats(second)).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
    expect(ok(second)).toEqual(ok(first));

    ok(
      await server.gql(`mutation($h: String!) { upsertCommunityUser(input: {handle: $h, platform: YOUTUBE}) { id } }`, {
        h: `fan-${Math.random()}`,
      }),
    );
    const afterUpsert = await server.gql(TIERS);
    expect(stats(afterUpsert).cacheMisses).toBe(1);
    expect(asMap(ok(afterUpsert))).toEqual(await tierCounts());

    // 11 purchases (20 each) = 220 points: the user becomes a CHAMPION when the agent runs.
    const user = await factories(db.pool).user();
    for (let i = 0; i < 11; i++)
      await factories(db.pool).interaction({ userId: user.id, type: 'purchase', timestamp: new Date(Date.now() - 3_600_000) });
    const before = asMap(ok(await server.gql(TIERS)));
    ok(await server.gql(`mutation { recomputeEngagementScores { usersScored } }`));
    const after = asMap(ok(await server.gql(TIERS)));
    expect(after).toEqual(await tierCounts());
    expect(after.CHAMPION).toBe(before.CHAMPION + 1);
  });

  test('agentPerformance: hit without SQL; recordAgentRun and an agent run invalidate', async () => {
    const name = `Worker${Math.random().toString(36).slice(2, 7)}`;
    const start = ok(await server.gql(PERF));
    expect(stats(await server.gql(PERF))).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
    ok(
      await server.gql(
        `mutation($n: String!) { recordAgentRun(input: {agentName: $n, status: SUCCESS, startedAt: "2026-01-01T00:00:00Z"}) { id } }`,
        { n: name },
      ),
    );
    const afterRecord = ok(await server.gql(PERF));
    expect(runsOf(afterRecord, name)).toBe(1);

    const analyses = runsOf(afterRecord, 'AnalyticsAgent');
    ok(await server.gql(`mutation { analyzeAgentPerformance { stats { agentName } } }`));
    expect(runsOf(ok(await server.gql(PERF)), 'AnalyticsAgent')).toBe(analyses + 1);
    expect(runsOf(start, name)).toBe(0);
  });
});

backends.twoOnOneRedis((a, b) => {
  test('a write through A invalidates what B cached, for both fields', async () => {
    await a.gql(TIERS);
    await a.gql(PERF);
    expect(stats(await b.gql(TIERS))).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
    expect(stats(await b.gql(PERF))).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
    const name = `Remote${Math.random().toString(36).slice(2, 7)}`;
    ok(await a.gql(`mutation($h: String!) { upsertCommunityUser(input: {handle: $h, platform: TIKTOK}) { id } }`, { h: name }));
    ok(
      await a.gql(
        `mutation($n: String!) { recordAgentRun(input: {agentName: $n, status: FAILURE, startedAt: "2026-01-01T00:00:00Z"}) { id } }`,
        { n: name },
      ),
    );
    const tiers = await b.gql(TIERS);
    const perf = await b.gql(PERF);
    expect(stats(tiers).cacheMisses).toBe(1);
    expect(asMap(ok(tiers))).toEqual(await tierCounts());
    expect(runsOf(ok(perf), name)).toBe(1);
  });
});
