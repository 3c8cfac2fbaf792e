/**
 * Valid writes never break the aggregates: metrics at their bounds (docs/api.md "Writes") give exact
 * aggregates, sums beyond SafeInt saturate at 2^53 - 1 instead of failing every read, values over
 * the bounds are BAD_USER_INPUT writing nothing, and an agent whose result the API cannot return
 * fails before COMMIT, leaving no snapshot behind.
 */
import 'reflect-metadata';
import { factories } from '../support/factories';
import { GqlResult, ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const DAY_MS = 86_400_000;

// Rows change behind the API's back (TRUNCATE, factories): with no result cache (CACHE_MAX_BYTES=0)
// every aggregate here is computed from the rows.
const { db, server } = useTestServer('metric_bounds', { CACHE_MAX_BYTES: '0' });
const f = () => factories(db.pool);
/** Yesterday at 12:00 UTC: inside every window below, one DAY bucket. */
const day = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS);
const published = new Date(day.getTime() + 12 * 3_600_000);

beforeEach(() => db.pool.query('TRUNCATE published_content, content_plans, performance_snapshots, strategies, agent_logs CASCADE'));

const UPDATE = `mutation($input: UpdateContentMetricsInput!) {
  updateContentMetrics(input: $input) { views likes comments shares engagementRate } }`;
const RECORD = `mutation($input: RecordAgentRunInput!) { recordAgentRun(input: $input) { executionTime } }`;

const AGGREGATES = `query($from: DateTime!, $to: DateTime!) {
  contentBreakdown(groupBy: [PLATFORM]) { platform contentCount impressions avgEngagementRate }
  engagementTimeSeries(bucket: DAY, from: $from, to: $to) { contentCount impressions avgEngagementRate }
  bestPostingTimes(windowDays: 7, minPosts: 1) { posts avgViews avgEngagementRate }
}`;
const SNAPSHOT = `mutation { createPerformanceSnapshot(input: { windowDays: 7 }) {
  contentCount totalImpressions avgEngagementRate byFormat { contentCount impressions } byPlatform { platform impressions } } }`;

const aggregates = () => server.gql(AGGREGATES, { from: day.toISOString(), to: new Date(day.getTime() + DAY_MS).toISOString() });

test('metrics at their bounds, through the API: every aggregate answers exact values', async () => {
  const plan = await f().plan({ format: 'video' });
  for (let i = 0; i < 3; i++) {
    const c = await f().content({ contentPlanId: plan.id, publishedAt: published });
    const input = { contentId: String(c.id), views: 1e12, likes: 1e12, comments: 1e12, shares: 1e12, engagementRate: 1000 };
    expect(ok(await server.gql(UPDATE, { input })).updateContentMetrics).toEqual({
      views: 1e12,
      likes: 1e12,
      comments: 1e12,
      shares: 1e12,
      engagementRate: 1000,
    });
  }
  expect(ok(await aggregates())).toEqual({
    contentBreakdown: [{ platform: 'YOUTUBE', contentCount: 3, impressions: 3e12, avgEngagementRate: 1000 }],
    engagementTimeSeries: [{ contentCount: 3, impressions: 3e12, avgEngagementRate: 1000 }],
    bestPostingTimes: [{ posts: 3, avgViews: 1e12, avgEngagementRate: 1000 }],
  });
  expect(ok(await server.gql(SNAPSHOT)).createPerformanceSnapshot).toEqual({
    contentCount: 3,
    totalImpressions: 3e12,
    avgEngagementRate: 1000,
    byFormat: [{ contentCount: 3, impressions: 3e12 }],
    byPlatform: [{ platform: 'YOUTUBE', impressions: 3e12 }],
  });

  for (let i = 0; i < 2; i++) {
    const input = { agentName: 'ExternalAgent', status: 'SUCCESS', startedAt: day.toISOString(), executionTime: 1e10 };
    expect(ok(await server.gql(RECORD, { input })).recordAgentRun).toEqual({ executionTime: 1e10 });
  }
  const stats = ok(await server.gql('{ agentPerformance { agentName totalRuns avgExecutionTime p95ExecutionTime } }')).agentPerformance;
  expect(stats).toContainEqual({ agentName: 'ExternalAgent', totalRuns: 2, avgExecutionTime: 1e10, p95ExecutionTime: 1e10 });
});

test('sums of views beyond SafeInt saturate at 2^53 - 1, in every read and in the stored snapshot', async () => {
  const plan = await f().plan({ format: 'video' });
  // 10,000 items at the bound on YouTube (1e16 in all), and the two 2^53 - 1 items that the API
  // accepted before its bounds on TikTok: both sums exceed SafeInt.
  await db.pool.query(
    `INSERT INTO published_content (content_plan_id, platform, published_at, views, engagement_rate)
     SELECT $1::int, 'youtube', $2::timestamptz, 1e12::int8, 0.5 FROM generate_series(1, 10000)
     UNION ALL SELECT $1::int, 'tiktok', $2::timestamptz, $3::int8, 0.5 FROM generate_series(1, 2)`,
    [plan.id, published, MAX_SAFE],
  );
  expect(ok(await aggregates())).toEqual({
    contentBreakdown: [
      { platform: 'YOUTUBE', contentCount: 10000, impressions: MAX_SAFE, avgEngagementRate: 0.5 },
      { platform: 'TIKTOK', contentCount: 2, impressions: MAX_SAFE, avgEngagementRate: 0.5 },
    ],
    engagementTimeSeries: [{ contentCount: 10002, impressions: MAX_SAFE, avgEngagementRate: 0.5 }],
    // A mean of views is a Float: exact enough, never out of range.
    bestPostingTimes: [{ posts: 10002, avgViews: (1e16 + 2 * MAX_SAFE) / 10002, avgEngagementRate: 0.5 }],
  });
  const snapshot = {
    contentCount: 10002,
    totalImpressions: MAX_SAFE,
    avgEngagementRate: 0.5,
    byFormat: [{ contentCount: 10002, impressions: MAX_SAFE }],
    byPlatform: [
      { platform: 'YOUTUBE', impressions: MAX_SAFE },
      { platform: 'TIKTOK', impressions: MAX_SAFE },
    ],
  };
  expect(ok(await server.gql(SNAPSHOT)).createPerformanceSnapshot).toEqual(snapshot);
  const read = ok(await server.gql('{ latestPerformanceSnapshot { totalImpressions byPlatform { impressions } } }'));
  expect(read.latestPerformanceSnapshot).toEqual({
    totalImpressions: MAX_SAFE,
    byPlatform: [{ impressions: MAX_SAFE }, { impressions: MAX_SAFE }],
  });
});

function expectRefused(res: GqlResult, field: string, problem: string) {
  expect(res.data).toBeNull();
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: [field] });
  expect(res.errors![0].message).toBe(`Invalid input: ${field}: ${problem}`);
}

test('values over the bounds are BAD_USER_INPUT naming the field, and write nothing', async () => {
  const plan = await f().plan();
  const c = await f().content({ contentPlanId: plan.id, views: 5, likes: 1, comments: 1, shares: 1, engagementRate: 0.6 });
  const stored = async () => (await db.pool.query('SELECT views, likes, comments, shares, engagement_rate FROM published_content')).rows;
  const before = await stored();
  for (const field of ['views', 'likes', 'comments', 'shares']) {
    for (const value of [1e12 + 1, MAX_SAFE]) {
      const res = await server.gql(UPDATE, { input: { contentId: String(c.id), [field]: value } });
      expectRefused(res, `input.${field}`, `must be between 0 and 1000000000000, got ${value}`);
    }
  }
  for (const value of [1000.0001, 1e308]) {
    expectRefused(
      await server.gql(UPDATE, { input: { contentId: String(c.id), engagementRate: value } }),
      'input.engagementRate',
      'must not be greater than 1000',
    );
  }
  expect(await stored()).toEqual(before);

  for (const value of [1e10 + 1, 1e308]) {
    const input = { agentName: 'ExternalAgent', status: 'SUCCESS', startedAt: day.toISOString(), executionTime: value };
    expectRefused(await server.gql(RECORD, { input }), 'input.executionTime', 'must not be greater than 10000000000');
  }
  expect((await db.pool.query('SELECT count(*)::int AS n FROM agent_logs')).rows[0].n).toBe(0);
});

test('an agent result the API cannot return fails the run before COMMIT: no snapshot is left behind', async () => {
  const plan = await f().plan();
  // A rate no write through the API can store (Infinity), put there by SQL outside the API.
  await f().content({ contentPlanId: plan.id, publishedAt: published, views: 10, engagementRate: Infinity });
  const res = await server.gql(SNAPSHOT);
  expect(res.errors).toHaveLength(1);
  const runId = res.errors![0].extensions!.runId;
  expect(res.errors![0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', runId: expect.any(String) });
  expect((await db.pool.query('SELECT count(*)::int AS n FROM performance_snapshots')).rows[0].n).toBe(0);
  const run = (await db.pool.query('SELECT status, error FROM agent_logs WHERE id = $1', [Number(runId)])).rows[0];
  expect(run).toEqual({
    status: 'failure',
    error: "the agent's result.avgEngagementRate is Infinity, which the API cannot return; nothing was written",
  });
});
