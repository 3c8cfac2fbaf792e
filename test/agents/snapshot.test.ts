/**
 * PerformanceAnalyticsAgent (createPerformanceSnapshot) and the snapshot reads: figures, orders and
 * tie-breaks computed here in TypeScript from the fixture rows.
 */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { DAY_MS, expectClose, mean, resetTables, runRows } from './helpers';

const { db, server } = useTestServer('agents_snapshot');
beforeEach(() => resetTables(db.pool));

const FIELDS = `id createdAt asOf windowDays platform contentCount totalImpressions avgEngagementRate bestFormat bestPlatform
  byFormat { format contentCount impressions avgEngagementRate } byPlatform { platform contentCount impressions avgEngagementRate }`;
const SNAPSHOT = `mutation($input: PerformanceSnapshotInput) { createPerformanceSnapshot(input: $input) { ${FIELDS} topContent(first: 100) { id } run { id agentName status } } }`;

interface Row {
  id: number;
  format: string;
  platform: string;
  publishedAt: Date;
  views: number | null;
  rate: number | null;
}

async function build(spec: Omit<Row, 'id'>[]): Promise<Row[]> {
  const f = factories(db.pool);
  const plans = new Map<string, number>();
  const rows: Row[] = [];
  for (const s of spec) {
    if (!plans.has(s.format)) plans.set(s.format, (await f.plan({ format: s.format.toLowerCase(), status: 'published' })).id);
    const c = await f.content({
      contentPlanId: plans.get(s.format)!,
      platform: s.platform.toLowerCase(),
      publishedAt: s.publishedAt,
      views: s.views,
      engagementRate: s.rate,
    });
    rows.push({ ...s, id: c.id });
  }
  return rows;
}

/** The snapshot of docs/agents.md (PerformanceAnalyticsAgent), computed from the fixture rows. */
function expected(rows: Row[], asOf: Date, windowDays: number, platform: string | null) {
  const scope = rows.filter(
    (r) =>
      r.publishedAt.getTime() >= asOf.getTime() - windowDays * DAY_MS && r.publishedAt <= asOf && (!platform || r.platform === platform),
  );
  const group = (key: 'format' | 'platform') => {
    const names = [...new Set(scope.map((r) => r[key]))];
    const list = names.map((name) => {
      const mine = scope.filter((r) => r[key] === name);
      return {
        [key]: name,
        contentCount: mine.length,
        impressions: mine.reduce((n, r) => n + (r.views ?? 0), 0),
        avgEngagementRate: mean(mine.filter((r) => r.rate !== null).map((r) => r.rate!)),
      };
    });
    list.sort((a, b) => {
      if (a.avgEngagementRate !== b.avgEngagementRate) {
        if (a.avgEngagementRate === null) return 1;
        if (b.avgEngagementRate === null) return -1;
        return b.avgEngagementRate - a.avgEngagementRate;
      }
      if (a.contentCount !== b.contentCount) return b.contentCount - a.contentCount;
      return (a[key] as string) < (b[key] as string) ? -1 : 1; // code-point order of the enum names
    });
    return list;
  };
  const byFormat = group('format');
  const byPlatform = group('platform');
  const rated = scope.filter((r) => r.rate !== null).sort((a, b) => b.rate! - a.rate! || a.id - b.id);
  return {
    windowDays,
    platform,
    contentCount: scope.length,
    totalImpressions: scope.reduce((n, r) => n + (r.views ?? 0), 0),
    avgEngagementRate: mean(scope.filter((r) => r.rate !== null).map((r) => r.rate!)),
    bestFormat: byFormat.find((e) => e.avgEngagementRate !== null)?.format ?? null,
    bestPlatform: byPlatform.find((e) => e.avgEngagementRate !== null)?.platform ?? null,
    byFormat,
    byPlatform,
    topContent: rated.slice(0, 100).map((r) => ({ id: String(r.id) })),
  };
}

function expectSnapshot(got: any, want: ReturnType<typeof expected>) {
  const strip = (list: any[]) => list.map(({ avgEngagementRate: _a, ...rest }) => rest);
  expect({ ...got, avgEngagementRate: null, byFormat: strip(got.byFormat), byPlatform: strip(got.byPlatform) }).toMatchObject({
    ...want,
    avgEngagementRate: null,
    byFormat: strip(want.byFormat),
    byPlatform: strip(want.byPlatform),
  });
  expectClose(got.avgEngagementRate, want.avgEngagementRate, 'avgEngagementRate');
  want.byFormat.forEach((e, i) => expectClose(got.byFormat[i].avgEngagementRate, e.avgEngagementRate, `byFormat ${e.format}`));
  want.byPlatform.forEach((e, i) => expectClose(got.byPlatform[i].avgEngagementRate, e.avgEngagementRate, `byPlatform ${e.platform}`));
}

const asOf = new Date('2026-05-01T00:00:00.000Z');
const at = (days: number, ms = 0) => new Date(asOf.getTime() - days * DAY_MS - ms);

test('figures, window edges, null views and rates, and every tie-break of byFormat / byPlatform', async () => {
  const rows = await build([
    { format: 'VIDEO', platform: 'YOUTUBE', publishedAt: at(1), views: 100, rate: 0.1 },
    { format: 'VIDEO', platform: 'YOUTUBE', publishedAt: at(2), views: null, rate: 0.3 },
    { format: 'SHORT_VIDEO', platform: 'TIKTOK', publishedAt: at(3), views: 50, rate: 0.2 }, // ties VIDEO's 0.2: fewer rows, after it
    { format: 'ARTICLE', platform: 'BLOG', publishedAt: at(4), views: 7, rate: 0.05 },
    { format: 'CAROUSEL', platform: 'INSTAGRAM', publishedAt: at(5), views: 9, rate: 0.05 }, // same rate and count: by name
    { format: 'LIVE', platform: 'X', publishedAt: asOf, views: null, rate: 0.05 }, // exactly at asOf: in
    { format: 'IMAGE', platform: 'INSTAGRAM', publishedAt: at(6), views: 10, rate: null }, // null mean, sorted last
    { format: 'THREAD', platform: 'X', publishedAt: at(7), views: 1, rate: null },
    { format: 'THREAD', platform: 'LINKEDIN', publishedAt: at(8), views: 2, rate: null }, // two null rows: before IMAGE
    { format: 'NEWSLETTER', platform: 'NEWSLETTER', publishedAt: at(30), views: 3, rate: 0.01 }, // exactly asOf - 30 days: in
    { format: 'NEWSLETTER', platform: 'NEWSLETTER', publishedAt: at(30, 1), views: 1000, rate: 0.9 }, // 1 ms earlier: out
    { format: 'PODCAST', platform: 'PODCAST', publishedAt: new Date(asOf.getTime() + 1), views: 1000, rate: 0.9 }, // 1 ms after: out
  ]);
  const got = ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString(), windowDays: 30 } })).createPerformanceSnapshot;
  const want = expected(rows, asOf, 30, null);
  expectSnapshot(got, want);
  // The hand-checked shape of the orders, so that a wrong comparator in both places still fails.
  expect(got.byFormat.map((e: any) => e.format)).toEqual([
    'VIDEO',
    'SHORT_VIDEO',
    'ARTICLE',
    'CAROUSEL',
    'LIVE',
    'NEWSLETTER',
    'THREAD',
    'IMAGE',
  ]);
  expect(got.topContent).toEqual(want.topContent);
  expect(got.run).toMatchObject({ agentName: 'PerformanceAnalyticsAgent', status: 'SUCCESS' });
  expect(got.asOf).toBe(asOf.toISOString());

  // A platform-restricted snapshot sees only that platform.
  const insta = ok(
    await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString(), windowDays: 30, platform: 'INSTAGRAM' } }),
  ).createPerformanceSnapshot;
  expectSnapshot(insta, expected(rows, asOf, 30, 'INSTAGRAM'));
  // A window that holds nothing: zeros, nulls, empty lists.
  const empty = ok(await server.gql(SNAPSHOT, { input: { asOf: at(400).toISOString(), windowDays: 1 } })).createPerformanceSnapshot;
  expect(empty).toMatchObject({
    contentCount: 0,
    totalImpressions: 0,
    avgEngagementRate: null,
    bestFormat: null,
    bestPlatform: null,
    byFormat: [],
    byPlatform: [],
    topContent: [],
  });
});

test('byFormat ties on mean and count are broken by name; only-null rates give bestFormat null', async () => {
  const rows = await build([
    { format: 'VIDEO', platform: 'YOUTUBE', publishedAt: at(1), views: 1, rate: 0.1 },
    { format: 'VIDEO', platform: 'YOUTUBE', publishedAt: at(1), views: 1, rate: 0.3 },
    { format: 'PODCAST', platform: 'PODCAST', publishedAt: at(1), views: 1, rate: 0.2 },
    { format: 'PODCAST', platform: 'PODCAST', publishedAt: at(1), views: 1, rate: 0.2 },
    { format: 'CAROUSEL', platform: 'X', publishedAt: at(1), views: 1, rate: 0.4 },
    { format: 'CAROUSEL', platform: 'X', publishedAt: at(1), views: 1, rate: 0 },
  ]);
  const got = ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString() } })).createPerformanceSnapshot;
  expectSnapshot(got, expected(rows, asOf, 30, null));
  expect(got.byFormat.map((e: any) => e.format)).toEqual(['CAROUSEL', 'PODCAST', 'VIDEO']);
  expect(got.byPlatform.map((e: any) => e.platform)).toEqual(['PODCAST', 'X', 'YOUTUBE']);

  await resetTables(db.pool);
  const nulls = await build([{ format: 'IMAGE', platform: 'X', publishedAt: at(1), views: null, rate: null }]);
  const none = ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString() } })).createPerformanceSnapshot;
  expectSnapshot(none, expected(nulls, asOf, 30, null));
  expect(none).toMatchObject({ bestFormat: null, bestPlatform: null, avgEngagementRate: null, totalImpressions: 0 });
});

test('topContent: rate desc then id asc, as stored at creation, first 0..100 (default 10)', async () => {
  const rates = [0.5, 0.1, 0.5, 0.9, null, 0.1, 0.3, 0.5, 0.7, 0.2, 0.1, 0.3, 0.05, null, 0.9, 0.6, 0.5, 0.05];
  const rows = await build(
    rates.map((rate, i) => ({ format: i % 2 ? 'VIDEO' : 'IMAGE', platform: 'YOUTUBE', publishedAt: at(i), views: i, rate })),
  );
  const snap = ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString() } })).createPerformanceSnapshot;
  const want = expected(rows, asOf, 30, null).topContent;
  const read = (first?: number) =>
    server.gql(
      `{ performanceSnapshot(id: "${snap.id}") { topContent${first === undefined ? '' : `(first: ${first})`} { id engagementRate } } }`,
    );
  expect(ok(await read()).performanceSnapshot.topContent.map((c: any) => ({ id: c.id }))).toEqual(want.slice(0, 10));
  expect(ok(await read(3)).performanceSnapshot.topContent.map((c: any) => ({ id: c.id }))).toEqual(want.slice(0, 3));
  expect(ok(await read(0)).performanceSnapshot.topContent).toEqual([]);
  expect(ok(await read(100)).performanceSnapshot.topContent.map((c: any) => ({ id: c.id }))).toEqual(want);

  // Later metrics do not reorder a stored snapshot.
  await db.pool.query('UPDATE published_content SET engagement_rate = 0.99 WHERE id = $1', [Number(want[want.length - 1].id)]);
  const again = ok(await read(100)).performanceSnapshot.topContent;
  expect(again.map((c: any) => ({ id: c.id }))).toEqual(want);
  expect(again[again.length - 1].engagementRate).toBe(0.99);

  for (const first of [-1, 101]) {
    const res = await read(first);
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'first', fields: ['first'] });
    expect(res.errors?.[0].message).toBe(`Invalid input: first: must be between 0 and 100, got ${first}`);
  }
});

test('reads: by id, latest per platform, createdAt DESC pages, batched topContent and run', async () => {
  await build([
    { format: 'VIDEO', platform: 'X', publishedAt: at(1), views: 1, rate: 0.5 },
    { format: 'IMAGE', platform: 'BLOG', publishedAt: at(2), views: 1, rate: 0.25 },
  ]);
  const make = async (platform?: string) =>
    ok(await server.gql(SNAPSHOT, { input: { asOf: asOf.toISOString(), ...(platform ? { platform } : {}) } })).createPerformanceSnapshot;
  const a = await make();
  const b = await make('X');
  const c = await make();
  const d = await make('BLOG');
  const latest = ok(
    await server.gql(
      `{ all: latestPerformanceSnapshot { id } x: latestPerformanceSnapshot(platform: X) { id } pod: latestPerformanceSnapshot(platform: PODCAST) { id } }`,
    ),
  );
  expect(latest).toEqual({ all: { id: c.id }, x: { id: b.id }, pod: null });
  expect(
    ok(await server.gql(`{ performanceSnapshot(id: "${a.id}") { id platform } missing: performanceSnapshot(id: "999") { id } }`)),
  ).toEqual({
    performanceSnapshot: { id: a.id, platform: null },
    missing: null,
  });

  const page = (after?: string) =>
    server.gql(
      `query($after: String) { performanceSnapshots(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id topContent(first: 5) { id } run { id agentName } } } }`,
      { after },
    );
  const p1 = await page();
  const p2 = await page(ok(p1).performanceSnapshots.pageInfo.endCursor);
  expect([...ok(p1).performanceSnapshots.nodes, ...ok(p2).performanceSnapshots.nodes].map((n: any) => n.id)).toEqual([
    d.id,
    c.id,
    b.id,
    a.id,
  ]);
  expect(ok(p1).performanceSnapshots.totalCount).toBe(4);
  expect(ok(p2).performanceSnapshots.pageInfo.hasNextPage).toBe(false);
  // Page + count + one content batch + one run batch, however many snapshots the page holds.
  expect(p1.extensions?.queryStats.sqlQueries).toBe(4);
  const one = await server.gql(`{ performanceSnapshots(first: 1) { totalCount nodes { id topContent(first: 5) { id } run { id } } } }`);
  expect(one.extensions?.queryStats.sqlQueries).toBe(4);
  const runs = await runRows(db.pool);
  expect(runs.filter((r) => r.agent_name === 'PerformanceAnalyticsAgent' && r.status === 'success')).toHaveLength(4);
});
