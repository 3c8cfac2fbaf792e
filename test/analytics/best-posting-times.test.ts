import { factories, ContentRow, PlanRow } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { expectBadInput, localParts, roundFloats } from './expect-helpers';

const { db, server } = useTestServer('an_best_times');
const rows: ContentRow[] = [];
const plans = new Map<number, PlanRow>();
const DAY = 86_400_000;

const Q = `query ($platform: Platform, $format: ContentFormat, $tz: String, $windowDays: Int, $minPosts: Int, $first: Int) {
  bestPostingTimes(platform: $platform, format: $format, timeZone: $tz, windowDays: $windowDays, minPosts: $minPosts, first: $first) {
    dayOfWeek hourOfDay posts avgEngagementRate avgViews
  }
}`;

type Opts = { platform?: string; format?: string; tz?: string; windowDays?: number; minPosts?: number; first?: number };

/** The documented rule, in TypeScript: rated content in the window, grouped by local weekday and hour. */
function expected(o: Opts, now: number) {
  const tz = o.tz ?? 'UTC';
  const windowDays = o.windowDays ?? 90;
  const slots = new Map<string, { dayOfWeek: number; hourOfDay: number; rates: number[]; views: number[] }>();
  for (const r of rows) {
    const plan = plans.get(r.contentPlanId)!;
    if (r.engagementRate === null) continue;
    if (r.publishedAt.getTime() < now - windowDays * DAY || r.publishedAt.getTime() > now) continue;
    if (o.platform && r.platform !== o.platform.toLowerCase()) continue;
    if (o.format && plan.format !== o.format.toLowerCase()) continue;
    const p = localParts(r.publishedAt, tz);
    const k = `${p.dayOfWeek}:${p.hourOfDay}`;
    if (!slots.has(k)) slots.set(k, { ...p, rates: [], views: [] });
    slots.get(k)!.rates.push(r.engagementRate);
    slots.get(k)!.views.push(r.views ?? 0);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [...slots.values()]
    .map((s) => ({
      dayOfWeek: s.dayOfWeek,
      hourOfDay: s.hourOfDay,
      posts: s.rates.length,
      avgEngagementRate: mean(s.rates),
      avgViews: mean(s.views),
    }))
    .filter((s) => s.posts >= (o.minPosts ?? 3))
    .sort(
      (a, b) =>
        b.avgEngagementRate - a.avgEngagementRate ||
        b.posts - a.posts ||
        b.avgViews - a.avgViews ||
        a.dayOfWeek - b.dayOfWeek ||
        a.hourOfDay - b.hourOfDay,
    )
    .slice(0, o.first ?? 10);
}

async function check(o: Opts) {
  const res = await server.gql(Q, o);
  const got = ok(res).bestPostingTimes;
  expect(roundFloats(got)).toEqual(roundFloats(expected(o, Date.now())));
  return got as ReturnType<typeof expected>;
}

beforeAll(async () => {
  const f = factories(db.pool);
  const video = await f.plan({ format: 'video', platform: 'youtube' });
  const short = await f.plan({ format: 'short_video', platform: 'tiktok' });
  plans.set(video.id, video).set(short.id, short);
  // Each slot: an anchor instant in the past, repeated weekly (same weekday and hour, DST aside).
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const slot = async (hoursAgo: number, rates: (number | null)[], o: Partial<ContentRow> = {}, weeksBack = 0) => {
    for (const [j, rate] of rates.entries()) {
      const publishedAt = new Date(hour - hoursAgo * 3_600_000 - (j + weeksBack) * 7 * DAY + 10 * 60_000);
      rows.push(await f.content({ contentPlanId: video.id, publishedAt, views: 100 * (j + 1), engagementRate: rate, ...o }));
    }
  };
  await slot(30, [0.5, 0.5, 0.5, 0.5]); // A: mean 0.5, 4 posts
  await slot(50, [0.25, 0.75, 0.5]); // B: mean 0.5, 3 posts: after A (fewer posts)
  await slot(70, [0.5, 0.5, 0.5], { views: 1000 }); // C: mean 0.5, 3 posts, more views than B: before B
  await slot(90, [0.9, 0.9]); // D: best mean, but 2 posts
  await slot(110, [0.1, 0.1, 0.1, null, null]); // E: 3 rated posts (the unrated two do not count)
  await slot(130, [0.3, 0.3, 0.3], { views: null }); // F: views unknown count as 0
  await slot(150, [0.95, 0.95, 0.95], {}, 14); // G: 14..16 weeks ago: outside 90 days, inside 120
  await slot(170, [0.8, 0.8, 0.8], { contentPlanId: short.id, platform: 'tiktok' }); // H: TikTok short videos
  await slot(-30, [0.99]); // in the future: not published yet
});

test('slots by mean engagement rate; minPosts leaves thin slots out; documented tie-breaks', async () => {
  const got = await check({});
  expect(got.map((s) => s.posts)).toEqual([3, 4, 3, 3, 3, 3]); // H, A, C, B, F, E
  expect(got[1].avgEngagementRate).toBe(0.5);
  expect(got[2].avgViews).toBe(1000);
  expect(got.find((s) => s.avgEngagementRate === 0.3)!.avgViews).toBe(0);
});

test('minPosts, windowDays and first', async () => {
  expect((await check({ minPosts: 2 }))[0].avgEngagementRate).toBe(0.9);
  expect(await check({ minPosts: 5 })).toEqual([]);
  expect((await check({ windowDays: 120 }))[0].avgEngagementRate).toBeCloseTo(0.95, 12);
  expect(await check({ first: 2 })).toHaveLength(2);
  expect(await check({ first: 0 })).toEqual([]);
  await check({ windowDays: 1, minPosts: 1 });
});

test('platform and format filters', async () => {
  expect(await check({ platform: 'TIKTOK' })).toHaveLength(1);
  expect(await check({ format: 'SHORT_VIDEO' })).toHaveLength(1);
  expect(await check({ format: 'VIDEO', platform: 'YOUTUBE' })).toHaveLength(5);
  expect(await check({ format: 'VIDEO', platform: 'TIKTOK' })).toEqual([]);
});

test('slots are local to the time zone', async () => {
  for (const tz of ['America/New_York', 'Asia/Kolkata', 'Pacific/Auckland']) await check({ tz, minPosts: 1 });
});

test('validation: BAD_USER_INPUT naming the argument', async () => {
  expectBadInput(await server.gql(Q, { first: 101 }), 'first', /^must be between 0 and 100, got 101$/);
  expectBadInput(await server.gql(Q, { first: -1 }), 'first', /^must be between 0 and 100, got -1$/);
  expectBadInput(await server.gql(Q, { windowDays: 0 }), 'windowDays', /^must be between 1 and 3650, got 0$/);
  expectBadInput(await server.gql(Q, { minPosts: 0 }), 'minPosts', /^must be between 1 and 2147483647, got 0$/);
  expectBadInput(
    await server.gql(Q, { tz: 'UTC+3' }),
    'timeZone',
    /^must be an IANA time zone name such as "Europe\/Berlin" or "UTC", got "UTC\+3"$/,
  );
});
