import { factories, ContentRow, InsightRow, PlanRow } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { aggregate, Agg, expectBadInput, localParts, roundFloats } from './expect-helpers';

const { db, server } = useTestServer('an_breakdown');
const plans = new Map<number, PlanRow>();
const rows: ContentRow[] = [];
let insights: InsightRow[];

const Q = `query ($groupBy: [ContentDimension!]!, $filter: ContentFilter, $tz: String, $first: Int) {
  contentBreakdown(groupBy: $groupBy, filter: $filter, timeZone: $tz, first: $first) {
    format platform insight { id topic } dayOfWeek hourOfDay contentCount impressions avgEngagementRate
  }
}`;

interface GroupKey {
  format: string | null;
  platform: string | null;
  insightId: number | null;
  dayOfWeek: number | null;
  hourOfDay: number | null;
}
type Dim = 'FORMAT' | 'PLATFORM' | 'INSIGHT' | 'DAY_OF_WEEK' | 'HOUR_OF_DAY';

/** The expected rows, grouped, ordered and cut in TypeScript. */
function expected(groupBy: Dim[], opts: { tz?: string; only?: (r: ContentRow) => boolean; first?: number } = {}) {
  const tz = opts.tz ?? 'UTC';
  const groups = new Map<string, { key: GroupKey; rows: ContentRow[] }>();
  for (const r of rows.filter(opts.only ?? (() => true))) {
    const plan = plans.get(r.contentPlanId)!;
    const local = localParts(r.publishedAt, tz);
    const key = {
      format: groupBy.includes('FORMAT') ? plan.format.toUpperCase() : null,
      platform: groupBy.includes('PLATFORM') ? r.platform.toUpperCase() : null,
      insightId: groupBy.includes('INSIGHT') ? plan.insightId : null,
      dayOfWeek: groupBy.includes('DAY_OF_WEEK') ? local.dayOfWeek : null,
      hourOfDay: groupBy.includes('HOUR_OF_DAY') ? local.hourOfDay : null,
    };
    const k = JSON.stringify(key);
    if (!groups.has(k)) groups.set(k, { key, rows: [] });
    groups.get(k)!.rows.push(r);
  }
  const out = [...groups.values()].map(({ key, rows: rs }) => ({ key, agg: aggregate(rs) }));
  const cmpKey = (a: unknown, b: unknown) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : (a as number | string) < (b as number | string) ? -1 : 1;
  const order: (keyof (typeof out)[0]['key'])[] = groupBy.map(
    (d) =>
      ({ FORMAT: 'format', PLATFORM: 'platform', INSIGHT: 'insightId', DAY_OF_WEEK: 'dayOfWeek', HOUR_OF_DAY: 'hourOfDay' })[d] as never,
  );
  out.sort((a, b) => {
    const ea = a.agg.avgEngagementRate,
      eb = b.agg.avgEngagementRate;
    if (ea !== eb) return ea === null ? 1 : eb === null ? -1 : eb - ea;
    if (a.agg.contentCount !== b.agg.contentCount) return b.agg.contentCount - a.agg.contentCount;
    for (const k of order) {
      const c = cmpKey(a.key[k], b.key[k]);
      if (c) return c;
    }
    return 0;
  });
  return out.slice(0, opts.first ?? 100).map(({ key, agg }) => toRow(key, agg));
}

function toRow(key: GroupKey, agg: Agg) {
  const { insightId, ...rest } = key;
  const insight = insightId === null ? null : insights.find((i) => i.id === insightId)!;
  return { ...rest, insight: insight && { id: String(insight.id), topic: insight.topic }, ...agg };
}

async function breakdown(vars: { groupBy: Dim[]; filter?: unknown; tz?: string; first?: number }) {
  return server.gql(Q, vars);
}

async function check(groupBy: Dim[], opts: { tz?: string; only?: (r: ContentRow) => boolean; filter?: unknown; first?: number } = {}) {
  const res = await breakdown({ groupBy, filter: opts.filter, tz: opts.tz, first: opts.first });
  const got = ok(res).contentBreakdown;
  expect(roundFloats(got)).toEqual(roundFloats(expected(groupBy, opts)));
  return res;
}

beforeAll(async () => {
  const f = factories(db.pool);
  insights = [await f.insight({ topic: 'AI agents' }), await f.insight({ topic: 'Rust' })];
  const planSpecs = [
    { format: 'video', platform: 'youtube', insightId: insights[0].id },
    { format: 'short_video', platform: 'tiktok', insightId: insights[0].id },
    { format: 'short_video', platform: 'instagram', insightId: insights[1].id },
    { format: 'article', platform: 'blog', insightId: null },
  ];
  for (const spec of planSpecs) {
    const p = await f.plan(spec);
    plans.set(p.id, p);
  }
  const planIds = [...plans.keys()];
  // A deterministic spread over platforms, weekdays and hours (including instants whose local
  // weekday differs from the UTC one in America/Los_Angeles), with null views and rates mixed in.
  const base = Date.parse('2026-06-01T00:00:00Z'); // a Monday
  for (let i = 0; i < 40; i++) {
    const plan = plans.get(planIds[i % planIds.length])!;
    rows.push(
      await f.content({
        contentPlanId: plan.id,
        platform: i % 7 === 3 ? 'x' : plan.platform,
        publishedAt: new Date(base + i * 17 * 3_600_000 + (i % 3) * 60_000),
        views: i % 6 === 5 ? null : 100 + ((i * 37) % 250),
        engagementRate: i % 5 === 4 ? null : ((i * 13) % 29) / 100,
      }),
    );
  }
});

describe('contentBreakdown', () => {
  test.each<Dim[]>([['FORMAT'], ['PLATFORM'], ['INSIGHT'], ['DAY_OF_WEEK'], ['HOUR_OF_DAY']])('grouped by %s', async (dim) => {
    const res = await check([dim]);
    expect(res.extensions?.queryStats.sqlQueries).toBeLessThanOrEqual(dim === 'INSIGHT' ? 3 : 2); // + zone list once, + insight loader
  });

  test.each<Dim[]>([
    ['FORMAT', 'PLATFORM'],
    ['PLATFORM', 'FORMAT'],
    ['INSIGHT', 'FORMAT'],
    ['DAY_OF_WEEK', 'HOUR_OF_DAY'],
    ['FORMAT', 'PLATFORM', 'INSIGHT', 'DAY_OF_WEEK', 'HOUR_OF_DAY'],
  ])('grouped by %s, %s ...', async (...dims) => {
    await check(dims);
  });

  test('DAY_OF_WEEK and HOUR_OF_DAY in a time zone', async () => {
    await check(['DAY_OF_WEEK'], { tz: 'America/Los_Angeles' });
    await check(['HOUR_OF_DAY', 'DAY_OF_WEEK'], { tz: 'Asia/Kolkata' });
  });

  test('the ContentFilter of contents', async () => {
    await check(['FORMAT'], { filter: { platform: 'X' }, only: (r) => r.platform === 'x' });
    await check(['PLATFORM'], { filter: { format: 'SHORT_VIDEO' }, only: (r) => plans.get(r.contentPlanId)!.format === 'short_video' });
    await check(['PLATFORM', 'DAY_OF_WEEK'], {
      filter: { insightId: String(insights[0].id), publishedAfter: '2026-06-05T00:00:00Z', publishedBefore: '2026-06-20T00:00:00Z' },
      only: (r) =>
        plans.get(r.contentPlanId)!.insightId === insights[0].id &&
        r.publishedAt >= new Date('2026-06-05T00:00:00Z') &&
        r.publishedAt <= new Date('2026-06-20T00:00:00Z'),
    });
  });

  test('first cuts the ordered rows; first 0 gives none', async () => {
    await check(['HOUR_OF_DAY'], { first: 3 });
    expect(ok(await breakdown({ groupBy: ['FORMAT'], first: 0 })).contentBreakdown).toEqual([]);
  });

  test('one SQL statement for the groups and one for all insights, whatever the row count', async () => {
    await check(['PLATFORM']); // warms the time zone list
    const res = await check(['INSIGHT', 'HOUR_OF_DAY']);
    expect(res.extensions?.queryStats.sqlQueries).toBe(2);
  });
});

describe('validation: BAD_USER_INPUT naming the argument', () => {
  test('empty or repeated groupBy', async () => {
    expectBadInput(await breakdown({ groupBy: [] }), 'groupBy', /^must hold 1 to 5 items, got 0$/);
    expectBadInput(await breakdown({ groupBy: ['FORMAT', 'PLATFORM', 'FORMAT'] }), 'groupBy', /^must not name FORMAT more than once$/);
  });

  test('first outside 0..100', async () => {
    expectBadInput(await breakdown({ groupBy: ['FORMAT'], first: 101 }), 'first', /^must be between 0 and 100, got 101$/);
    expectBadInput(await breakdown({ groupBy: ['FORMAT'], first: -1 }), 'first', /^must be between 0 and 100, got -1$/);
  });

  test('unknown time zone and malformed insightId', async () => {
    expectBadInput(
      await breakdown({ groupBy: ['HOUR_OF_DAY'], tz: 'Atlantis/Capital' }),
      'timeZone',
      /^must be an IANA time zone name .*, got "Atlantis\/Capital"$/,
    );
    expectBadInput(
      await breakdown({ groupBy: ['FORMAT'], filter: { insightId: 'abc' } }),
      'filter',
      /^must be the ID of a row \(a positive integer\), got "abc"$/,
      'filter.insightId',
    );
  });
});
