/**
 * StrategyTuningAgent (tuneStrategy): the tuning formula evaluated here in TypeScript from the
 * fixture's engagement rates, from uniform weights, from a previous strategy and with sum(r) = 0.
 */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { DAY_MS, expectClose, FORMATS, mean, PLATFORMS, resetTables, runRows } from './helpers';

const { db, server } = useTestServer('agents_strategy');
beforeEach(() => resetTables(db.pool));

const asOf = new Date('2026-04-10T00:00:00.000Z');
const TUNE = `mutation($input: TuneStrategyInput) { tuneStrategy(input: $input) {
  id version learningRate createdAt formatWeights { format weight } platformWeights { platform weight }
  snapshot { id platform } run { id agentName status } } }`;
const SNAPSHOT = `mutation($input: PerformanceSnapshotInput) { createPerformanceSnapshot(input: $input) { id } }`;

interface Row {
  format: string;
  platform: string;
  rate: number | null;
}
const rows: Row[] = [];

async function addContent(spec: Row[]) {
  const f = factories(db.pool);
  for (const s of spec) {
    const plan = await f.plan({ format: s.format.toLowerCase() });
    await f.content({
      contentPlanId: plan.id,
      platform: s.platform.toLowerCase(),
      publishedAt: new Date(asOf.getTime() - DAY_MS),
      engagementRate: s.rate,
    });
    rows.push(s);
  }
}

const snapshot = async (platform?: string) =>
  ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString(), ...(platform ? { platform } : {}) } })).createPerformanceSnapshot
    .id as string;

/** docs/agents.md: weight_f = (1 - lr) * previous_f + lr * target_f, target_f = r_f / sum(r) (previous_f when sum(r) = 0). */
function tune(values: string[], key: 'format' | 'platform', previous: Map<string, number>, lr: number): Map<string, number> {
  const r = new Map(values.map((v) => [v, mean(rows.filter((x) => x[key] === v && x.rate !== null).map((x) => x.rate!)) ?? 0]));
  const sum = [...r.values()].reduce((a, b) => a + b, 0);
  return new Map(values.map((v) => [v, (1 - lr) * previous.get(v)! + lr * (sum === 0 ? previous.get(v)! : r.get(v)! / sum)]));
}
const uniform = (values: string[]) => new Map(values.map((v) => [v, 1 / 9]));

function expectWeights(got: any, formats: Map<string, number>, platforms: Map<string, number>) {
  expect(got.formatWeights.map((w: any) => w.format)).toEqual(FORMATS);
  expect(got.platformWeights.map((w: any) => w.platform)).toEqual(PLATFORMS);
  got.formatWeights.forEach((w: any) => expectClose(w.weight, formats.get(w.format)!, `format ${w.format}`));
  got.platformWeights.forEach((w: any) => expectClose(w.weight, platforms.get(w.platform)!, `platform ${w.platform}`));
  expectClose(
    got.formatWeights.reduce((a: number, w: any) => a + w.weight, 0),
    1,
    'sum of format weights',
  );
  expectClose(
    got.platformWeights.reduce((a: number, w: any) => a + w.weight, 0),
    1,
    'sum of platform weights',
  );
}

beforeEach(() => void rows.splice(0));

test('without a snapshot over every platform: FAILED_PRECONDITION, run recorded as failure, nothing written', async () => {
  const res = await server.gql(TUNE);
  expect(res.errors?.[0].extensions?.code).toBe('FAILED_PRECONDITION');
  const runId = res.errors?.[0].extensions?.runId;
  let runs = await runRows(db.pool);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ id: runId, agent_name: 'StrategyTuningAgent', status: 'failure', error: res.errors?.[0].message });
  expect(runs[0].finished_at).not.toBeNull();
  expect(runs[0].execution_time).toBeGreaterThanOrEqual(0);

  // A platform-restricted snapshot is not enough.
  await addContent([{ format: 'VIDEO', platform: 'X', rate: 0.2 }]);
  await snapshot('X');
  const again = await server.gql(TUNE);
  expect(again.errors?.[0].extensions?.code).toBe('FAILED_PRECONDITION');
  runs = await runRows(db.pool);
  expect(runs.map((r) => [r.agent_name, r.status])).toEqual([
    ['StrategyTuningAgent', 'failure'],
    ['PerformanceAnalyticsAgent', 'success'],
    ['StrategyTuningAgent', 'failure'],
  ]);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM strategies')).rows[0].n).toBe(0);
  expect(ok(await server.gql('{ currentStrategy { id } }')).currentStrategy).toBeNull();
});

test('from uniform weights, then from the previous strategy, using the newest all-platform snapshot', async () => {
  await addContent([
    { format: 'VIDEO', platform: 'YOUTUBE', rate: 0.12 },
    { format: 'VIDEO', platform: 'YOUTUBE', rate: 0.3 },
    { format: 'SHORT_VIDEO', platform: 'TIKTOK', rate: 0.07 },
    { format: 'ARTICLE', platform: 'BLOG', rate: null },
    { format: 'THREAD', platform: 'X', rate: 0.011 },
    { format: 'CAROUSEL', platform: 'INSTAGRAM', rate: 0 },
  ]);
  const snap1 = await snapshot();
  const v1 = ok(await server.gql(TUNE)).tuneStrategy;
  const f1 = tune(FORMATS, 'format', uniform(FORMATS), 0.3);
  const p1 = tune(PLATFORMS, 'platform', uniform(PLATFORMS), 0.3);
  expect(v1).toMatchObject({
    version: 1,
    learningRate: 0.3,
    snapshot: { id: snap1, platform: null },
    run: { agentName: 'StrategyTuningAgent', status: 'SUCCESS' },
  });
  expectWeights(v1, f1, p1);

  await addContent([
    { format: 'LIVE', platform: 'FACEBOOK', rate: 0.5 },
    { format: 'PODCAST', platform: 'PODCAST', rate: 0.02 },
    { format: 'VIDEO', platform: 'X', rate: 0.9 },
  ]);
  const snap2 = await snapshot();
  await snapshot('PODCAST'); // newer, but restricted to a platform: not used
  const v2 = ok(await server.gql(TUNE, { input: { learningRate: 0.55 } })).tuneStrategy;
  expect(v2).toMatchObject({ version: 2, learningRate: 0.55, snapshot: { id: snap2, platform: null } });
  expectWeights(v2, tune(FORMATS, 'format', f1, 0.55), tune(PLATFORMS, 'platform', p1, 0.55));

  // learningRate 1: the weights are the targets.
  const v3 = ok(await server.gql(TUNE, { input: { learningRate: 1 } })).tuneStrategy;
  expectWeights(v3, tune(FORMATS, 'format', uniform(FORMATS), 1), tune(PLATFORMS, 'platform', uniform(PLATFORMS), 1));

  const reads = await server.gql(`{ currentStrategy { version } strategies(first: 2) { totalCount pageInfo { hasNextPage endCursor }
    nodes { version snapshot { id } run { agentName } } } }`);
  const data = ok(reads);
  expect(data.currentStrategy).toEqual({ version: 3 });
  expect(data.strategies.nodes.map((n: any) => n.version)).toEqual([3, 2]);
  expect(data.strategies.totalCount).toBe(3);
  const next = ok(
    await server.gql(`query($after: String) { strategies(first: 2, after: $after) { nodes { version } pageInfo { hasNextPage } } }`, {
      after: data.strategies.pageInfo.endCursor,
    }),
  );
  expect(next.strategies).toEqual({ nodes: [{ version: 1 }], pageInfo: { hasNextPage: false } });
  // current + page + count + one snapshot batch + one run batch.
  expect(reads.extensions?.queryStats.sqlQueries).toBe(5);
});

test('sum(r) = 0: the target is the previous weights', async () => {
  await addContent([
    { format: 'VIDEO', platform: 'YOUTUBE', rate: 0 },
    { format: 'IMAGE', platform: 'X', rate: null },
  ]);
  await snapshot();
  const v1 = ok(await server.gql(TUNE, { input: { learningRate: 0.8 } })).tuneStrategy;
  expectWeights(v1, uniform(FORMATS), uniform(PLATFORMS));

  // From a non-uniform previous strategy: the weights stay where they were.
  await resetTables(db.pool);
  rows.splice(0);
  await addContent([
    { format: 'NEWSLETTER', platform: 'NEWSLETTER', rate: 0.4 },
    { format: 'LIVE', platform: 'TIKTOK', rate: 0.1 },
  ]);
  await snapshot();
  const first = ok(await server.gql(TUNE)).tuneStrategy;
  const fPrev = tune(FORMATS, 'format', uniform(FORMATS), 0.3);
  const pPrev = tune(PLATFORMS, 'platform', uniform(PLATFORMS), 0.3);
  expectWeights(first, fPrev, pPrev);
  await db.pool.query('UPDATE published_content SET engagement_rate = 0');
  rows.forEach((r) => (r.rate = 0));
  await snapshot();
  const second = ok(await server.gql(TUNE, { input: { learningRate: 0.9 } })).tuneStrategy;
  expect(second.version).toBe(2);
  expectWeights(second, fPrev, pPrev);
});
