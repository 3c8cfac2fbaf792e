/**
 * What every argument value must be (docs/api.md "Validation"), seen from the side of what is
 * accepted: refusing lone surrogates keeps two handles apart while surrogate pairs still store as
 * sent; JSON nests up to 100 levels; the agentRuns name filter compares trimmed; the smallest
 * learning rate and since = until pass. The refusals themselves are in the bad-input sweep.
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';
import { expectRefused, M } from './writes/support';

const { db, server } = useTestServer('argument_values');
let f: ReturnType<typeof factories>;

beforeAll(() => {
  f = factories(db.pool);
});

const LONE = 'must be well-formed UTF-16 (it holds a lone surrogate, half of a pair)';
const RUN = { agentName: 'WriterAgent', status: 'SUCCESS', startedAt: '2026-01-01T10:00:00Z' };
const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nested(levels - 1) });

test('"sur\\uD800" and "sur\\uDBFF" are refused instead of both becoming the handle "sur\\uFFFD"', async () => {
  for (const handle of ['sur\uD800', 'sur\uDBFF']) {
    const res = await expectRefused(server, db.pool, M.upsertCommunityUser, { input: { handle, platform: 'X' } }, 'input.handle');
    expect(res.errors![0].message).toBe(`Invalid input: input.handle: ${LONE}`);
  }
  const a = ok(await server.gql(M.upsertCommunityUser, { input: { handle: 'sur\u{1F600}', platform: 'X' } })).upsertCommunityUser;
  const b = ok(await server.gql(M.upsertCommunityUser, { input: { handle: 'sur\u{1F601}', platform: 'X' } })).upsertCommunityUser;
  expect([a.handle, b.handle, a.id === b.id]).toEqual(['sur\u{1F600}', 'sur\u{1F601}', false]);
});

test('JSON with surrogate pairs in keys and values, nested 100 levels, is stored as sent; 101 levels are refused', async () => {
  const details = { '\u{1F600} key': ['\u{1F4A9}', { deep: nested(97) }] };
  const run = ok(await server.gql(M.recordAgentRun, { input: { ...RUN, details } })).recordAgentRun;
  expect(run.details).toEqual(details);
  const res = await expectRefused(server, db.pool, M.recordAgentRun, { input: { ...RUN, details: nested(101) } }, 'input.details');
  expect(res.errors![0].message).toBe('Invalid input: input.details: must not nest deeper than 100 levels');
});

test('agentRuns(agentName) matches the stored (trimmed) name', async () => {
  await f.run({ agentName: 'TrimAgent' });
  const count = async (agentName: string) =>
    ok(await server.gql('query($n: String) { agentRuns(agentName: $n) { totalCount } }', { n: agentName })).agentRuns.totalCount;
  expect([await count('TrimAgent'), await count('  TrimAgent\t'), await count('Trim')]).toEqual([1, 1, 0]);
});

test('learningRate: 5e-324 (which underflowed inside SQL) is refused, 1e-6 tunes', async () => {
  const plan = await f.plan({ format: 'video' });
  const other = await f.plan({ format: 'image' });
  await f.content({ contentPlanId: plan.id, engagementRate: 0.3 });
  await f.content({ contentPlanId: other.id, engagementRate: 0.1 });
  ok(await server.gql('mutation { createPerformanceSnapshot(input: { windowDays: 3650 }) { id } }'));
  const tune = 'mutation($r: Float) { tuneStrategy(input: { learningRate: $r }) { learningRate version } }';
  const res = await server.gql(tune, { r: 5e-324 });
  expect(res.errors?.map((e) => [e.extensions, e.message])).toEqual([
    [
      { code: 'BAD_USER_INPUT', argumentName: 'input', fields: ['input.learningRate'] },
      'Invalid input: input.learningRate: must not be less than 0.000001',
    ],
  ]);
  expect(ok(await server.gql(tune, { r: 1e-6 })).tuneStrategy).toEqual({ learningRate: 1e-6, version: 1 });
});

test('since = until is a valid (one-instant) range', async () => {
  const at = '2020-05-05T05:05:05.000Z';
  await f.run({ agentName: 'InstantAgent', startedAt: new Date(at) });
  const stats = ok(
    await server.gql('query($s: DateTime, $u: DateTime) { agentPerformance(since: $s, until: $u) { agentName totalRuns } }', {
      s: at,
      u: at,
    }),
  ).agentPerformance;
  expect(stats).toEqual([{ agentName: 'InstantAgent', totalRuns: 1 }]);
});
