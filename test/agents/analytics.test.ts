/**
 * AnalyticsAgent (analyzeAgentPerformance) and the agentPerformance query: counts, means and the
 * continuous 95th percentile computed here from the fixture runs, and once by hand.
 */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { expectClose, mean, percentileCont, resetTables, runRows } from './helpers';

// Rows are reset with SQL behind the API's back, which no cache can know of: this server has no
// result cache (CACHE_MAX_BYTES=0), so every agentPerformance here is computed from the rows.
const { db, server } = useTestServer('agents_analytics', { CACHE_MAX_BYTES: '0' });
beforeEach(async () => {
  await resetTables(db.pool);
});

const STATS = 'agentName totalRuns successfulRuns failedRuns successRate avgExecutionTime p95ExecutionTime lastRunAt';
const ANALYZE = `mutation($input: AnalyzeAgentsInput) { analyzeAgentPerformance(input: $input) { since until run { id agentName status } stats { ${STATS} } } }`;
const QUERY = `query($since: DateTime, $until: DateTime) { agentPerformance(since: $since, until: $until) { ${STATS} } }`;

interface Run {
  agentName: string;
  status: string;
  startedAt: Date;
  executionTime: number | null;
}

const base = new Date('2026-02-01T00:00:00.000Z').getTime();
const t = (minutes: number, ms = 0) => new Date(base + minutes * 60_000 + ms);

function expectedStats(runs: Run[], since: Date | null, until: Date | null) {
  const scope = runs.filter((r) => (!since || r.startedAt >= since) && (!until || r.startedAt <= until));
  const names = [...new Set(scope.map((r) => r.agentName))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((agentName) => {
    const mine = scope.filter((r) => r.agentName === agentName);
    const times = mine.map((r) => r.executionTime).filter((x): x is number => x !== null);
    const ok = mine.filter((r) => r.status === 'success').length;
    return {
      agentName,
      totalRuns: mine.length,
      successfulRuns: ok,
      failedRuns: mine.filter((r) => r.status === 'failure').length,
      successRate: ok / mine.length,
      avgExecutionTime: mean(times),
      p95ExecutionTime: percentileCont(times, 0.95),
      lastRunAt: new Date(Math.max(...mine.map((r) => r.startedAt.getTime()))).toISOString(),
    };
  });
}

function expectStats(got: any[], want: ReturnType<typeof expectedStats>) {
  const exact = (l: any[]) => l.map(({ avgExecutionTime: _a, p95ExecutionTime: _p, successRate: _s, ...rest }) => rest);
  expect(exact(got)).toEqual(exact(want));
  want.forEach((w, i) => {
    expectClose(got[i].successRate, w.successRate, `${w.agentName} successRate`);
    expectClose(got[i].avgExecutionTime, w.avgExecutionTime, `${w.agentName} avg`);
    expectClose(got[i].p95ExecutionTime, w.p95ExecutionTime, `${w.agentName} p95`);
  });
}

async function insertRuns(spec: Run[]): Promise<Run[]> {
  const f = factories(db.pool);
  for (const r of spec) await f.run(r);
  return spec;
}

test('p95 by hand: 10, 20, 30, 40, 50 ms gives 48 ms', async () => {
  await insertRuns(
    [10, 50, 30, 20, 40].map((ms, i) => ({ agentName: 'ConversionAgent', status: 'success', startedAt: t(i), executionTime: ms })),
  );
  // position 0.95 * (5 - 1) = 3.8: 40 + 0.8 * (50 - 40)
  const [stats] = ok(await server.gql(QUERY)).agentPerformance;
  expect(stats).toMatchObject({ agentName: 'ConversionAgent', totalRuns: 5, avgExecutionTime: 30, lastRunAt: t(4).toISOString() });
  expectClose(stats.p95ExecutionTime, 48);
});

test('counts by status, null times, inclusive bounds, code-point order of names', async () => {
  const runs = await insertRuns([
    ...[12.5, 7, 1003.25, 44, 44, 0.5, 19, 250, 3, 81.125, 66, 2].map((ms, i) => ({
      agentName: 'ConversionAgent',
      status: i % 4 === 3 ? 'failure' : 'success',
      startedAt: t(10 + i),
      executionTime: ms,
    })),
    { agentName: 'ConversionAgent', status: 'running', startedAt: t(30), executionTime: null },
    { agentName: 'alpha', status: 'success', startedAt: t(5), executionTime: null },
    { agentName: 'alpha', status: 'failure', startedAt: t(6), executionTime: null },
    { agentName: 'Zeta', status: 'success', startedAt: t(7), executionTime: 5 },
    { agentName: '_under', status: 'failure', startedAt: t(8), executionTime: 9 },
    { agentName: 'Beta', status: 'success', startedAt: t(9), executionTime: 1.5 },
    { agentName: 'Beta', status: 'success', startedAt: t(20, 1), executionTime: 2.5 }, // 1 ms after `until` below
    { agentName: 'Beta', status: 'success', startedAt: t(4, -1), executionTime: 100 }, // 1 ms before `since` below
  ]);
  const all = ok(await server.gql(QUERY)).agentPerformance;
  expectStats(all, expectedStats(runs, null, null));
  expect(all.map((s: any) => s.agentName)).toEqual(['Beta', 'ConversionAgent', 'Zeta', '_under', 'alpha']);
  expect(all.find((s: any) => s.agentName === 'alpha')).toMatchObject({ avgExecutionTime: null, p95ExecutionTime: null, successRate: 0.5 });

  const since = t(4);
  const until = t(20);
  const bounded = ok(await server.gql(QUERY, { since: since.toISOString(), until: until.toISOString() })).agentPerformance;
  expectStats(bounded, expectedStats(runs, since, until));
  // Runs exactly at since (none here) and at until (ConversionAgent's 11th) are in.
  expect(bounded.find((s: any) => s.agentName === 'ConversionAgent').totalRuns).toBe(11);
  expect(bounded.find((s: any) => s.agentName === 'Beta').totalRuns).toBe(1);
  const sinceOnly = ok(await server.gql(QUERY, { since: t(9).toISOString() })).agentPerformance;
  expectStats(sinceOnly, expectedStats(runs, t(9), null));

  // The mutation gives the same numbers through the same aggregate.
  const analysis = ok(
    await server.gql(ANALYZE, { input: { since: since.toISOString(), until: until.toISOString() } }),
  ).analyzeAgentPerformance;
  expect(analysis).toMatchObject({
    since: since.toISOString(),
    until: until.toISOString(),
    run: { agentName: 'AnalyticsAgent', status: 'SUCCESS' },
  });
  expectStats(analysis.stats, expectedStats(runs, since, until));
});

test('the analysis run is not counted in its own stats, later analyses count it', async () => {
  const runs = await insertRuns([{ agentName: 'StrategyTuningAgent', status: 'success', startedAt: t(1), executionTime: 8 }]);
  const first = ok(await server.gql(ANALYZE)).analyzeAgentPerformance;
  expectStats(first.stats, expectedStats(runs, null, null));
  expect(first.stats.map((s: any) => s.agentName)).toEqual(['StrategyTuningAgent']);

  const second = ok(await server.gql(ANALYZE)).analyzeAgentPerformance;
  const logged = await runRows(db.pool);
  const firstRun = logged.find((r) => r.id === first.run.id)!;
  expect(second.stats.find((s: any) => s.agentName === 'AnalyticsAgent')).toMatchObject({
    totalRuns: 1,
    successfulRuns: 1,
    failedRuns: 0,
    lastRunAt: firstRun.started_at.toISOString(),
  });
  expectClose(second.stats.find((s: any) => s.agentName === 'AnalyticsAgent').avgExecutionTime, firstRun.execution_time);
  expect(logged.filter((r) => r.agent_name === 'AnalyticsAgent').map((r) => r.status)).toEqual(['success', 'success']);
});
