/**
 * Aggregates cost what they cost: each one a scan (1000) plus its rows x their selection
 * (engagementTimeSeries: a row per bucket), each agent run a scan plus its selection; and a request
 * computes at most MAX_AGGREGATES_PER_REQUEST answers, answers from the cache being free.
 */
import 'reflect-metadata';
import { parse } from 'graphql';
import { loadConfig } from '../src/config';
import { queryCost } from '../src/graphql/limits';
import { buildAppSchema } from '../src/schema';
import { GqlResult, ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { server, serve } = useTestServer('aggregate_limits');
const tight = serve({ MAX_AGGREGATES_PER_REQUEST: '2' });

const DAY = 86_400_000;
const JAN = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
/** engagementTimeSeries over `days` days from 2026-01-01 plus `offset` days, by DAY. */
const series = (days: number, offset = 0, selection = 'bucketStart contentCount') =>
  `engagementTimeSeries(bucket: DAY, from: "${iso(JAN + offset * DAY)}", to: "${iso(JAN + (offset + days) * DAY)}") { ${selection} }`;

describe('cost of each aggregate', () => {
  let cost: (query: string, variables?: Record<string, unknown>) => number;
  beforeAll(async () => {
    const schema = await buildAppSchema();
    cost = (query, variables) => queryCost({ schema, query: parse(query), variables });
  });

  test('engagementTimeSeries: a scan + a row per bucket of from..to, at most 1000', () => {
    expect(cost(`{ ${series(90)} }`)).toBe(1000 + 91 * 2);
    const hourly = (days: number) =>
      `{ engagementTimeSeries(bucket: HOUR, from: "${iso(JAN)}", to: "${iso(JAN + days * DAY)}") { bucketStart } }`;
    expect(cost(hourly(1))).toBe(1000 + 25);
    expect(cost(hourly(90))).toBe(1000 + 1000); // 2,161 hours: the service refuses over 1000 buckets
    const monthly = `{ engagementTimeSeries(bucket: MONTH, from: "${iso(JAN)}", to: "${iso(Date.UTC(2027, 0, 1))}") { bucketStart } }`;
    expect(cost(monthly)).toBe(1000 + 15); // counted in 28-day months, never fewer than there are
    const weekly = 'query($f: DateTime!, $t: DateTime!) { engagementTimeSeries(bucket: WEEK, from: $f, to: $t) { bucketStart } }';
    expect(cost(weekly, { f: iso(JAN), t: iso(JAN + 70 * DAY) })).toBe(1000 + 11);
  });

  test('the other aggregates: a scan + their rows', () => {
    expect(cost('{ contentBreakdown(groupBy: [FORMAT]) { contentCount } }')).toBe(1000 + 100);
    expect(cost('{ contentBreakdown(groupBy: [FORMAT], first: 5) { format contentCount } }')).toBe(1000 + 5 * 2);
    expect(cost('{ bestPostingTimes { posts } }')).toBe(1000 + 10);
    expect(cost('{ tierDistribution { tier users } }')).toBe(1000 + 4 * 2);
    expect(cost('{ agentPerformance { agentName } }')).toBe(1000 + 10);
  });

  test('an agent run: a scan + its selection', () => {
    expect(cost('mutation { tuneStrategy { id version } }')).toBe(1000 + 2);
    expect(cost('mutation { analyzeAgentPerformance { since stats { agentName } } }')).toBe(1000 + 1 + (1 + 1));
    expect(cost('mutation { a: createPerformanceSnapshot { id } b: recomputeEngagementScores { usersScored } }')).toBe(2 * 1001);
  });
});

const only = (res: GqlResult) => {
  expect(res.errors).toHaveLength(1);
  return { code: res.errors![0].extensions?.code, message: res.errors![0].message };
};

describe('MAX_QUERY_COST', () => {
  test('30 aliased engagementTimeSeries are refused by their cost, naming the limit', async () => {
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${series(90, i)}`).join(' ')} }`;
    const res = await server.gql(query);
    expect(only(res)).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message:
        `Query cost limit of 20000 exceeded, found ${30 * (1000 + 91 * 2)} (MAX_QUERY_COST; a list field costs first x its selection, ` +
        'an aggregate 1000 + its rows x their selection).',
    });
    expect(res.extensions?.queryStats).toMatchObject({ sqlQueries: 0, cacheMisses: 0 });
  });

  test("a dashboard's request passes", async () => {
    const dashboard = `{
      ${series(90, 0, 'bucketStart contentCount impressions avgEngagementRate')}
      contentBreakdown(groupBy: [FORMAT, PLATFORM]) { format platform contentCount impressions avgEngagementRate }
      bestPostingTimes { dayOfWeek hourOfDay posts avgEngagementRate avgViews }
      tierDistribution { tier users }
      agentPerformance { agentName totalRuns successRate p95ExecutionTime lastRunAt }
      contents(first: 20) { totalCount nodes { id views engagementRate } }
    }`;
    const res = await server.gql(dashboard);
    expect(ok(res).engagementTimeSeries).toHaveLength(90);
    expect(res.data.tierDistribution).toHaveLength(4);
  });
});

describe('MAX_AGGREGATES_PER_REQUEST', () => {
  const refusal = (max: number, field: string) => ({
    code: 'GRAPHQL_VALIDATION_FAILED',
    message:
      `Aggregate limit of ${max} computed per request exceeded at ${field} ` +
      '(MAX_AGGREGATES_PER_REQUEST; answers from the cache do not count).',
  });

  test('the 11th uncached aggregate of a request is refused', async () => {
    expect(loadConfig({}).maxAggregatesPerRequest).toBe(10);
    const eleven = `{ ${Array.from({ length: 11 }, (_, i) => `d${i}: ${series(1, 200 + i)}`).join(' ')} }`;
    const res = await server.gql(eleven);
    expect(only(res)).toEqual(refusal(10, 'engagementTimeSeries'));
    expect(res.errors![0].path![0]).toMatch(/^d\d+$/);
    expect(res.data).toBeNull(); // the aggregates are non-null fields: the refusal nulls the whole answer
    expect(res.extensions!.queryStats).toMatchObject({ cacheHits: 0, cacheMisses: 10 });
  });

  test('answers from the cache do not count', async () => {
    const fields = Array.from({ length: 15 }, (_, i) => `c${i}: ${series(1, 300 + i)}`);
    for (const field of fields.slice(0, 14)) {
      expect((await server.gql(`{ ${field} }`)).extensions!.queryStats).toMatchObject({ cacheHits: 0, cacheMisses: 1 });
    }
    const res = await server.gql(`{ ${fields.join(' ')} }`);
    expect(Object.keys(ok(res))).toHaveLength(15);
    expect(res.extensions!.queryStats).toMatchObject({ cacheHits: 14, cacheMisses: 1 });
  });

  test('MAX_AGGREGATES_PER_REQUEST sets it, for every aggregate', async () => {
    const res = await tight.gql('{ tierDistribution { tier } agentPerformance { agentName } bestPostingTimes(windowDays: 7) { posts } }');
    expect(res.extensions!.queryStats).toMatchObject({ cacheMisses: 2 });
    expect(only(res)).toEqual(refusal(2, String(res.errors![0].path![0])));
  });
});
