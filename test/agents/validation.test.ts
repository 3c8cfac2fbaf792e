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

/** [mutation, input, field, problem]: a rule's problem, or null for a value GraphQL's own type refuses. */
const BAD: [string, Record<string, unknown>, string, string | null][] = [
  ['recompute', { windowDays: 0 }, 'windowDays', 'must be between 1 and 3650, got 0'],
  ['recompute', { windowDays: -3 }, 'windowDays', 'must be between 1 and 3650, got -3'],
  ['recompute', { windowDays: 3651 }, 'windowDays', 'must be between 1 and 3650, got 3651'],
  ['recompute', { windowDays: 2.5 }, 'windowDays', null],
  ['recompute', { halfLifeDays: 0 }, 'halfLifeDays', 'must be a positive number'],
  ['recompute', { halfLifeDays: -1 }, 'halfLifeDays', 'must be a positive number'],
  ['recompute', { halfLifeDays: 3650.000001 }, 'halfLifeDays', 'must not be greater than 3650'],
  ['recompute', { asOf: 'yesterday' }, 'asOf', null],
  ['snapshot', { windowDays: 0 }, 'windowDays', 'must be between 1 and 3650, got 0'],
  ['snapshot', { windowDays: 3651 }, 'windowDays', 'must be between 1 and 3650, got 3651'],
  ['snapshot', { platform: 'MYSPACE' }, 'platform', null],
  ['tune', { learningRate: 0 }, 'learningRate', 'must not be less than 0.000001'],
  ['tune', { learningRate: -0.1 }, 'learningRate', 'must not be less than 0.000001'],
  ['tune', { learningRate: 5e-324 }, 'learningRate', 'must not be less than 0.000001'],
  ['tune', { learningRate: 1.0000001 }, 'learningRate', 'must not be greater than 1'],
  ['analyze', { since: '2026-13-01T00:00:00Z' }, 'since', null],
  [
    'analyze',
    { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' },
    'until',
    'must not be before since (since 2026-01-02T00:00:00.000Z, got 2026-01-01T00:00:00.000Z)',
  ],
];

test.each(BAD)('%s with %j: BAD_USER_INPUT naming %s, no run recorded', async (name, input, field, problem) => {
  const before = await rowCounts(db.pool);
  const res = await server.gql(MUTATIONS[name], { input });
  expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(res.errors?.[0].message).toContain(field);
  if (problem !== null) {
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: [`input.${field}`] });
    expect(res.errors?.[0].message).toBe(`Invalid input: input.${field}: ${problem}`);
  }
  expect(res.errors?.[0].extensions?.runId).toBeUndefined();
  expect(await rowCounts(db.pool)).toEqual(before);
});

test('the bounds themselves are accepted', async () => {
  // One operation each: an agent mutation runs alone in its operation (docs/api.md "Mutation operations").
  const res: Record<string, unknown> = {};
  for (const field of [
    'a: recomputeEngagementScores(input: {windowDays: 3650, halfLifeDays: 3650}) { windowDays halfLifeDays }',
    'b: recomputeEngagementScores(input: {windowDays: 1, halfLifeDays: 0.000001}) { windowDays halfLifeDays }',
    'c: createPerformanceSnapshot(input: {windowDays: 3650}) { windowDays }',
    'd: createPerformanceSnapshot(input: {windowDays: 1, platform: X}) { windowDays platform }',
    'e: tuneStrategy(input: {learningRate: 1}) { learningRate }',
  ]) {
    Object.assign(res, ok(await server.gql(`mutation { ${field} }`)));
  }
  expect(res).toEqual({
    a: { windowDays: 3650, halfLifeDays: 3650 },
    b: { windowDays: 1, halfLifeDays: 0.000001 },
    c: { windowDays: 3650 },
    d: { windowDays: 1, platform: 'X' },
    e: { learningRate: 1 },
  });
});

test.each([
  ['{ performanceSnapshots(first: 101) { nodes { id } } }', 'first', 'must be between 0 and 100, got 101'],
  ['{ strategies(first: -1) { nodes { id } } }', 'first', 'must be between 0 and 100, got -1'],
  ['{ performanceSnapshots(after: "bogus!") { nodes { id } } }', 'after', 'is not a cursor returned by this field'],
  ['{ strategies(after: "WyJ4IiwxXQ") { nodes { id } } }', 'after', 'is not a cursor returned by this field with this order'],
  ['{ performanceSnapshot(id: "x1") { id } }', 'id', 'must be the ID of a row (a positive integer), got "x1"'],
])('read %s: BAD_USER_INPUT naming %s', async (query, field, problem) => {
  const res = await server.gql(query);
  expect(res.errors).toHaveLength(1);
  expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: field, fields: [field] });
  expect(res.errors?.[0].message).toBe(`Invalid input: ${field}: ${problem}`);
});

test('agent mutations need admin; refused calls record no run; reads need reader', async () => {
  const before = await rowCounts(db.pool);
  for (const [key, code] of [
    [null, 'UNAUTHENTICATED'],
    ['r-key', 'FORBIDDEN'],
    ['w-key', 'FORBIDDEN'],
  ] as const) {
    for (const q of Object.values(MUTATIONS)) {
      const res = await keyed.gql(q, {}, key ? { authorization: `Bearer ${key}` } : {});
      expect(res.errors?.[0].extensions?.code).toBe(code);
    }
  }
  expect(await rowCounts(db.pool)).toEqual(before);
  const reads =
    '{ tierDistribution { tier users } agentPerformance { agentName } currentStrategy { id } latestPerformanceSnapshot { id } }';
  expect((await keyed.gql(reads)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(ok(await keyed.gql(reads, {}, { authorization: 'Bearer r-key' })).tierDistribution).toEqual([
    { tier: 'NEWCOMER', users: 1 },
    { tier: 'ENGAGED', users: 0 },
    { tier: 'ADVOCATE', users: 0 },
    { tier: 'CHAMPION', users: 0 },
  ]);
  const admin = ok(await keyed.gql(MUTATIONS.recompute, {}, { authorization: 'Bearer a-key' }));
  expect(admin.recomputeEngagementScores.usersScored).toBe(1);
});
