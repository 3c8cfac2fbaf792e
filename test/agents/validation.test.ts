/**
 * Every agent input out of range is BAD_USER_INPUT naming the field, and records no run; the agent
 * mutations need the admin role.
 */
import { factories, rowCounts } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const { db, server, serve } = useTestServer('agents_validation');
const keyed = serve({ API_KEYS: 'reader:r-key,writer:w-key,admin:a-key' });

beforeAll(async () => {
  const f = factories(db.pool);
  const u = await f.user();
  await f.interaction({ userId: u.id, type: 'like' });
});

const MUTATIONS: Record<string, string> = {
  recompute: 'mutation($input: RecomputeEngagementInput) { recomputeEngagementScores(input: $input) { usersScored } }',
  snapshot: 'mutation($input: PerformanceSnapshotInput) { createPerformanceSnapshot(input: $input) { id } }',
  tune: 'mutation($input: TuneStrategyInput) { tuneStrategy(input: $input) { id } }',
  analyze: 'mutation($input: AnalyzeAgentsInput) { analyzeAgentPerformance(input: $input) { stats { agentName } } }',
};

const BAD: [string, Record<string, unknown>, string][] = [
  ['recompute', { windowDays: 0 }, 'windowDays'],
  ['recompute', { windowDays: -3 }, 'windowDays'],
  ['recompute', { windowDays: 3651 }, 'windowDays'],
  ['recompute', { windowDays: 2.5 }, 'windowDays'],
  ['recompute', { halfLifeDays: 0 }, 'halfLifeDays'],
  ['recompute', { halfLifeDays: -1 }, 'halfLifeDays'],
  ['recompute', { halfLifeDays: 3650.000001 }, 'halfLifeDays'],
  ['recompute', { asOf: 'yesterday' }, 'asOf'],
  ['snapshot', { windowDays: 0 }, 'windowDays'],
  ['snapshot', { windowDays: 3651 }, 'windowDays'],
  ['snapshot', { platform: 'MYSPACE' }, 'platform'],
  ['tune', { learningRate: 0 }, 'learningRate'],
  ['tune', { learningRate: -0.1 }, 'learningRate'],
  ['tune', { learningRate: 1.0000001 }, 'learningRate'],
  ['analyze', { since: '2026-13-01T00:00:00Z' }, 'since'],
];

test.each(BAD)('%s with %j: BAD_USER_INPUT naming %s, no run recorded', async (name, input, field) => {
  const before = await rowCounts(db.pool);
  const res = await server.gql(MUTATIONS[name], { input });
  expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.errors?.[0].message).toContain(field);
  expect(res.errors?.[0].extensions?.runId).toBeUndefined();
  expect(await rowCounts(db.pool)).toEqual(before);
});

test('the bounds themselves are accepted', async () => {
  const res = ok(await server.gql(`mutation {
    a: recomputeEngagementScores(input: {windowDays: 3650, halfLifeDays: 3650}) { windowDays halfLifeDays }
    b: recomputeEngagementScores(input: {windowDays: 1, halfLifeDays: 0.000001}) { windowDays halfLifeDays }
    c: createPerformanceSnapshot(input: {windowDays: 3650}) { windowDays }
    d: createPerformanceSnapshot(input: {windowDays: 1, platform: X}) { windowDays platform }
    e: tuneStrategy(input: {learningRate: 1}) { learningRate }
  }`));
  expect(res).toEqual({
    a: { windowDays: 3650, halfLifeDays: 3650 },
    b: { windowDays: 1, halfLifeDays: 0.000001 },
    c: { windowDays: 3650 },
    d: { windowDays: 1, platform: 'X' },
    e: { learningRate: 1 },
  });
});

test.each([
  ['{ performanceSnapshots(first: 101) { nodes { id } } }', 'first'],
  ['{ strategies(first: -1) { nodes { id } } }', 'first'],
  ['{ performanceSnapshots(after: "bogus!") { nodes { id } } }', 'after'],
  ['{ strategies(after: "WyJ4IiwxXQ") { nodes { id } } }', 'after'],
  ['{ performanceSnapshot(id: "x1") { id } }', 'id'],
])('read %s: BAD_USER_INPUT naming %s', async (query, field) => {
  const res = await server.gql(query);
  expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.errors?.[0].message).toContain(field);
});

test('agent mutations need admin; refused calls record no run; reads need reader', async () => {
  const before = await rowCounts(db.pool);
  for (const [key, code] of [[null, 'UNAUTHENTICATED'], ['r-key', 'FORBIDDEN'], ['w-key', 'FORBIDDEN']] as const) {
    for (const q of Object.values(MUTATIONS)) {
      const res = await keyed.gql(q, {}, key ? { authorization: `Bearer ${key}` } : {});
      expect(res.errors?.[0].extensions?.code).toBe(code);
    }
  }
  expect(await rowCounts(db.pool)).toEqual(before);
  const reads = '{ tierDistribution { tier users } agentPerformance { agentName } currentStrategy { id } latestPerformanceSnapshot { id } }';
  expect((await keyed.gql(reads)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(ok(await keyed.gql(reads, {}, { authorization: 'Bearer r-key' })).tierDistribution).toEqual([
    { tier: 'NEWCOMER', users: 1 }, { tier: 'ENGAGED', users: 0 }, { tier: 'ADVOCATE', users: 0 }, { tier: 'CHAMPION', users: 0 },
  ]);
  const admin = ok(await keyed.gql(MUTATIONS.recompute, {}, { authorization: 'Bearer a-key' }));
  expect(admin.recomputeEngagementScores.usersScored).toBe(1);
});
