/**
 * ConversionAgent (recomputeEngagementScores): every number checked against the formulas of
 * docs/agents.md evaluated here, in TypeScript, over the fixture.
 */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { DAY_MS, expectClose, expectedScores, Interaction, resetTables, runRows, TIERS, tierOf, WEIGHTS } from './helpers';

const { db, server } = useTestServer('agents_conversion');
beforeEach(() => resetTables(db.pool));

const RECOMPUTE = `mutation($input: RecomputeEngagementInput) {
  recomputeEngagementScores(input: $input) {
    asOf windowDays halfLifeDays usersScored totalUsers promoted demoted tiers { tier users }
    run { id agentName status startedAt finishedAt executionTime error }
  }
}`;
const USERS = `{ communityUsers(first: 100, orderBy: {field: CREATED_AT, direction: ASC}) {
  nodes { id engagementScore tier scoreUpdatedAt } } }`;

interface Fixture {
  users: { id: number; tier: string; score: number; label: string }[];
  interactions: Interaction[];
}

/** Users with a starting score and tier, and their interactions. */
async function build(spec: { label: string; tier?: string; score?: number; events: [string, Date][] }[]): Promise<Fixture> {
  const f = factories(db.pool);
  const out: Fixture = { users: [], interactions: [] };
  for (const s of spec) {
    const u = await f.user({ tier: (s.tier ?? 'NEWCOMER').toLowerCase(), engagementScore: s.score ?? 0 });
    out.users.push({ id: u.id, tier: s.tier ?? 'NEWCOMER', score: s.score ?? 0, label: s.label });
    for (const [type, timestamp] of s.events) {
      await f.interaction({ userId: u.id, type, timestamp });
      out.interactions.push({ userId: u.id, type, timestamp });
    }
  }
  return out;
}

const ago = (asOf: Date, days: number, extraMs = 0) => new Date(asOf.getTime() - days * DAY_MS - extraMs);
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

/** Checks the API's users and the run result against the formulas. */
async function checkAgainstFormulas(fx: Fixture, res: any, asOf: Date, windowDays: number, halfLifeDays: number | null) {
  const expected = expectedScores(
    fx.users.map((u) => u.id),
    fx.interactions,
    asOf,
    windowDays,
    halfLifeDays,
  );
  const users = ok(await server.gql(USERS)).communityUsers.nodes as any[];
  const byId = new Map(users.map((u) => [Number(u.id), u]));
  let promoted = 0;
  let demoted = 0;
  const counts = new Map(TIERS.map((t) => [t, 0]));
  for (const u of fx.users) {
    const e = expected.get(u.id)!;
    const got = byId.get(u.id);
    expectClose(got.engagementScore, e.score, `${u.label} score`);
    expect({ label: u.label, tier: got.tier }).toEqual({ label: u.label, tier: tierOf(e.score) });
    const changed = e.score !== u.score || tierOf(e.score) !== u.tier;
    // Only written users get score_updated_at = asOf; the others keep theirs (null here).
    expect({ label: u.label, scoreUpdatedAt: got.scoreUpdatedAt }).toEqual({
      label: u.label,
      scoreUpdatedAt: changed ? asOf.toISOString() : null,
    });
    const diff = TIERS.indexOf(tierOf(e.score)) - TIERS.indexOf(u.tier);
    if (diff > 0) promoted++;
    if (diff < 0) demoted++;
    counts.set(tierOf(e.score), counts.get(tierOf(e.score))! + 1);
  }
  expect(res).toMatchObject({
    asOf: asOf.toISOString(),
    windowDays,
    halfLifeDays,
    usersScored: [...expected.values()].filter((e) => e.inWindow > 0).length,
    totalUsers: fx.users.length,
    promoted,
    demoted,
    tiers: TIERS.map((tier) => ({ tier, users: counts.get(tier) })),
  });
  expect(res.run).toMatchObject({ agentName: 'ConversionAgent', status: 'SUCCESS', error: null });
}

test('weights by type, window edges, reset to 0, tier thresholds, promotions and demotions', async () => {
  const asOf = new Date('2026-03-01T12:00:00.000Z');
  const fx = await build([
    // One interaction of each type: the score is that type's weight.
    ...Object.keys(WEIGHTS).map((type) => ({ label: `only ${type}`, events: [[type, ago(asOf, 2)]] as [string, Date][] })),
    { label: 'exactly at asOf - 30 days', events: [['purchase', ago(asOf, 30)]] },
    { label: '1 ms before the window', events: [['purchase', ago(asOf, 30, 1)]] },
    { label: 'exactly at asOf', events: [['purchase', asOf]] },
    { label: '1 ms after asOf', events: [['purchase', new Date(asOf.getTime() + 1)]] },
    { label: 'reset to 0', tier: 'ADVOCATE', score: 123, events: [['purchase', ago(asOf, 40)]] },
    { label: 'exactly 10', events: [['signup', ago(asOf, 1)]] },
    { label: '9', events: times(9, ['view', ago(asOf, 3)] as [string, Date]) },
    { label: 'exactly 50', events: times(5, ['signup', ago(asOf, 5)] as [string, Date]) },
    {
      label: '49',
      events: [
        ...times(4, ['signup', ago(asOf, 5)] as [string, Date]),
        ...times(4, ['like', ago(asOf, 6)] as [string, Date]),
        ['view', ago(asOf, 7)],
      ],
    },
    { label: 'exactly 200 (promoted from NEWCOMER)', events: times(10, ['purchase', ago(asOf, 10)] as [string, Date]) },
    {
      label: '199',
      events: [
        ...times(9, ['purchase', ago(asOf, 9)] as [string, Date]),
        ['signup', ago(asOf, 8)],
        ...times(4, ['click', ago(asOf, 1)] as [string, Date]),
        ['view', ago(asOf, 29)],
      ],
    },
    { label: 'demoted from CHAMPION', tier: 'CHAMPION', score: 500, events: [['signup', ago(asOf, 4)]] },
    { label: 'unchanged (not written)', tier: 'NEWCOMER', score: 4, events: [['comment', ago(asOf, 4)]] },
    { label: 'no interactions at all', events: [] },
    { label: 'tier only changes', tier: 'NEWCOMER', score: 10, events: [['signup', ago(asOf, 4)]] },
  ]);
  const res = ok(await server.gql(RECOMPUTE, { input: { asOf: asOf.toISOString(), windowDays: 30 } })).recomputeEngagementScores;
  await checkAgainstFormulas(fx, res, asOf, 30, null);

  // The fixture's own promises, spelled out: each type's weight and the edges.
  const score = async (label: string) => {
    const id = fx.users.find((u) => u.label === label)!.id;
    return ok(await server.gql(`{ communityUser(id: "${id}") { engagementScore tier } }`)).communityUser;
  };
  for (const [type, w] of Object.entries(WEIGHTS)) expect(await score(`only ${type}`)).toEqual({ engagementScore: w, tier: tierOf(w) });
  expect(await score('exactly at asOf - 30 days')).toEqual({ engagementScore: 20, tier: 'ENGAGED' });
  expect(await score('1 ms before the window')).toEqual({ engagementScore: 0, tier: 'NEWCOMER' });
  expect(await score('exactly at asOf')).toEqual({ engagementScore: 20, tier: 'ENGAGED' });
  expect(await score('1 ms after asOf')).toEqual({ engagementScore: 0, tier: 'NEWCOMER' });
  expect(await score('reset to 0')).toEqual({ engagementScore: 0, tier: 'NEWCOMER' });
  expect(await score('exactly 10')).toEqual({ engagementScore: 10, tier: 'ENGAGED' });
  expect(await score('9')).toEqual({ engagementScore: 9, tier: 'NEWCOMER' });
  expect(await score('exactly 50')).toEqual({ engagementScore: 50, tier: 'ADVOCATE' });
  expect(await score('49')).toEqual({ engagementScore: 49, tier: 'ENGAGED' });
  expect(await score('exactly 200 (promoted from NEWCOMER)')).toEqual({ engagementScore: 200, tier: 'CHAMPION' });
  expect(await score('199')).toEqual({ engagementScore: 199, tier: 'ADVOCATE' });

  // A second run over unchanged data writes nobody: no promotion, no demotion.
  const again = ok(await server.gql(RECOMPUTE, { input: { asOf: asOf.toISOString(), windowDays: 30 } })).recomputeEngagementScores;
  expect(again).toMatchObject({ promoted: 0, demoted: 0, usersScored: res.usersScored, tiers: res.tiers });
  const runs = await runRows(db.pool);
  expect(runs.map((r) => [r.agent_name, r.status])).toEqual([
    ['ConversionAgent', 'success'],
    ['ConversionAgent', 'success'],
  ]);
  expect(runs[0].execution_time).toBeGreaterThanOrEqual(0);
  expect(runs[0].execution_time).toBeCloseTo(runs[0].finished_at!.getTime() - runs[0].started_at.getTime(), -1);
});

test('half-life decay: 0.5 ^ (ageDays / halfLifeDays), inside the window only', async () => {
  const asOf = new Date('2026-07-15T08:30:00.250Z');
  const odd = (d: number, h: number, m: number, ms: number) => new Date(asOf.getTime() - d * DAY_MS - h * 3_600_000 - m * 60_000 - ms);
  const fx = await build([
    {
      label: 'recent',
      events: [
        ['purchase', odd(0, 1, 7, 3)],
        ['view', odd(1, 12, 0, 0)],
        ['share', odd(6, 23, 59, 999)],
      ],
    },
    {
      label: 'old',
      tier: 'CHAMPION',
      score: 300,
      events: [
        ['signup', odd(13, 2, 3, 4)],
        ['comment', odd(20, 0, 0, 1)],
        ['follow', odd(29, 23, 59, 59_999)],
      ],
    },
    {
      label: 'edge',
      events: [
        ['purchase', odd(30, 0, 0, 0)],
        ['purchase', odd(30, 0, 0, 1)],
        ['like', asOf],
      ],
    },
    {
      label: 'many',
      events: Array.from({ length: 40 }, (_, k) => [Object.keys(WEIGHTS)[k % 8], odd(k % 29, k % 24, k, k * 7)] as [string, Date]),
    },
  ]);
  // 0.01: 30-day-old weights fall below double precision (0.5 ^ 3000), which must give 0, not an error.
  for (const halfLifeDays of [7.5, 0.25, 3650, 0.01]) {
    await db.pool.query('UPDATE community_users SET engagement_score = 0, tier = $1, score_updated_at = NULL', ['newcomer']);
    fx.users.forEach((u) => Object.assign(u, { tier: 'NEWCOMER', score: 0 }));
    const res = ok(
      await server.gql(RECOMPUTE, { input: { asOf: asOf.toISOString(), windowDays: 30, halfLifeDays } }),
    ).recomputeEngagementScores;
    await checkAgainstFormulas(fx, res, asOf, 30, halfLifeDays);
  }
});

test('windowDays bounds the window; asOf defaults to the run start', async () => {
  const now = Date.now();
  const fx = await build([
    { label: 'an hour ago', events: [['purchase', new Date(now - 3_600_000)]] },
    { label: 'two days ago', events: [['signup', new Date(now - 2 * DAY_MS)]] },
  ]);
  const res = ok(await server.gql(RECOMPUTE, { input: { windowDays: 1 } })).recomputeEngagementScores;
  const after = Date.now();
  // Default asOf: the run's startedAt (millisecond precision).
  expect(res.asOf).toBe(res.run.startedAt);
  expect(new Date(res.asOf).getTime()).toBeGreaterThanOrEqual(now);
  expect(new Date(res.asOf).getTime()).toBeLessThanOrEqual(after);
  await checkAgainstFormulas(fx, res, new Date(res.asOf), 1, null);
  expect(res.usersScored).toBe(1);

  // Omitted input: windowDays 30, no decay.
  const def = ok(await server.gql(RECOMPUTE)).recomputeEngagementScores;
  expect(def).toMatchObject({ windowDays: 30, halfLifeDays: null, usersScored: 2 });
});
