/**
 * The result cache over real HTTP, with both backends: hits show in queryStats, and a cached answer
 * is never stale once a mutation that writes a table it reads has returned (the invalidation plugin
 * bumps those tables' generations), across two instances that share one Redis.
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { cacheKey, canonicalJson } from '../../src/cache';
import { RedisResultCache } from '../../src/cache/redis-result-cache';
import { CHANNELS } from '../../src/db/notify';
import { useCacheBackends } from '../support/cache-backends';
import { factories, ContentRow } from '../support/factories';
import { ok, stats, TestServer } from '../support/server';
import { describeWith, REDIS_TEST_URL } from '../support/services';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

const REDIS_URL = REDIS_TEST_URL;
const DAY = 86_400_000;
const NOW = Date.now();
const FROM = new Date(NOW - 30 * DAY).toISOString();
const TO = new Date(NOW + DAY).toISOString();

type Summary = { count: number; views: number };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const FIELDS: Record<string, { query: string; summary: (data: any) => Summary }> = {
  engagementTimeSeries: {
    query: `{ engagementTimeSeries(bucket: DAY, from: "${FROM}", to: "${TO}", timeZone: "Europe/Berlin") { bucketStart contentCount impressions avgEngagementRate } }`,
    summary: (d) => ({
      count: sum(d.engagementTimeSeries.map((p: any) => p.contentCount)),
      views: sum(d.engagementTimeSeries.map((p: any) => p.impressions)),
    }),
  },
  contentBreakdown: {
    query: `{ contentBreakdown(groupBy: [PLATFORM, FORMAT]) { platform format contentCount impressions avgEngagementRate } }`,
    summary: (d) => ({
      count: sum(d.contentBreakdown.map((r: any) => r.contentCount)),
      views: sum(d.contentBreakdown.map((r: any) => r.impressions)),
    }),
  },
  bestPostingTimes: {
    query: `{ bestPostingTimes(windowDays: 30, minPosts: 1, first: 100) { dayOfWeek hourOfDay posts avgEngagementRate avgViews } }`,
    summary: (d) => ({
      count: sum(d.bestPostingTimes.map((s: any) => s.posts)),
      views: Math.round(sum(d.bestPostingTimes.map((s: any) => s.avgViews * s.posts))),
    }),
  },
};
const FIELD_NAMES = Object.keys(FIELDS);

const { db, serve, startServer } = useTestServer('an_cache', null);
const backends = useCacheBackends(serve, 'analytics-cache');
const uniquePrefix = backends.prefix;
let planId: number;
const rows: ContentRow[] = [];
const truth = (): Summary => ({ count: rows.length, views: sum(rows.map((r) => r.views ?? 0)) });

/** A row written straight into the database (what any write does), 1..20 days old. */
async function addRow() {
  const age = (1 + (rows.length % 20)) * DAY + rows.length * 3_600_000;
  rows.push(
    await factories(db.pool).content({
      contentPlanId: planId,
      publishedAt: new Date(NOW - age),
      views: 10 + rows.length,
      engagementRate: 0.25,
    }),
  );
}

/**
 * A write through the API to published_content, which all three fields read, that changes no answer
 * (the engagement rate every row already has): it invalidates what a write behind the API's back left stale.
 */
async function touch(server: TestServer) {
  const res = await server.gql(`mutation ($id: ID!) { updateContentMetrics(input: { contentId: $id, engagementRate: 0.25 }) { id } }`, {
    id: String(rows[0].id),
  });
  ok(res);
}

async function read(server: TestServer, field: string) {
  const res = await server.gql(FIELDS[field].query);
  return { res, data: ok(res), summary: FIELDS[field].summary(ok(res)), stats: stats(res) };
}

/** updateContentMetrics (the real ingest mutation) through `writer`: `addViews` more views on `target`. */
async function updateViews(writer: TestServer, target: ContentRow, addViews: number) {
  const res = await writer.gql(
    `mutation ($id: ID!, $views: SafeInt) {
      updateContentMetrics(input: { contentId: $id, views: $views, engagementRate: 0.25 }) { id views } }`,
    { id: String(target.id), views: (target.views ?? 0) + addViews },
  );
  target.views = ok(res).updateContentMetrics.views;
}

/** updateContentMetrics through `writer`; `reader` then misses and sees the new figures. */
async function expectUpdateInvalidates(writer: TestServer, reader: TestServer, field: string, target: ContentRow, addViews: number) {
  await updateViews(writer, target, addViews);
  const after = await read(reader, field);
  expect(after.stats.cacheMisses).toBe(1);
  expect(after.summary).toEqual(truth());
}

beforeAll(async () => {
  planId = (await factories(db.pool).plan({ format: 'video', platform: 'youtube' })).id;
  for (let i = 0; i < 5; i++) await addRow();
});

backends.each((server) => {
  test.each(FIELD_NAMES)('%s: a repeated read is a cache hit with the same answer and no SQL', async (field) => {
    await touch(server); // start from a new generation
    const first = await read(server, field);
    expect(first.stats).toMatchObject({ cacheHits: 0, cacheMisses: 1 });
    expect(first.summary).toEqual(truth());
    const second = await read(server, field);
    expect(second.stats).toMatchObject({ cacheHits: 1, cacheMisses: 0, sqlQueries: 0 });
    expect(second.data).toEqual(first.data); // DateTime values included: ISO strings survive the JSON round trip
  });

  test.each(FIELD_NAMES)('%s: never stale after a mutation operation has returned', async (field) => {
    await read(server, field);
    expect((await read(server, field)).stats.cacheHits).toBe(1);
    await addRow();
    // A write that bypasses the API is not seen until a mutation or the TTL: this is the cache at work.
    expect((await read(server, field)).summary).not.toEqual(truth());
    await touch(server);
    const after = await read(server, field);
    expect(after.stats).toMatchObject({ cacheHits: 0, cacheMisses: 1 });
    expect(after.summary).toEqual(truth());
  });

  test.each(FIELD_NAMES)('%s: requests that miss together make one computation, and all get its answer', async (field) => {
    await touch(server); // a new generation: nothing stored for it yet
    const results = await Promise.all(Array.from({ length: 8 }, () => read(server, field)));
    expect(sum(results.map((r) => r.stats.cacheMisses))).toBe(1);
    expect(sum(results.map((r) => r.stats.cacheHits))).toBe(7);
    const computed = results.find((r) => r.stats.cacheMisses === 1)!;
    expect(sum(results.map((r) => r.stats.sqlQueries))).toBe(computed.stats.sqlQueries); // the others ran no SQL
    for (const r of results) expect(r.data).toEqual(computed.data);
    expect(computed.summary).toEqual(truth());
  });

  test('different arguments are different entries', async () => {
    await touch(server);
    const q = (tz: string) => `{ bestPostingTimes(timeZone: "${tz}", minPosts: 1) { posts } }`;
    expect(stats(await server.gql(q('UTC'))).cacheMisses).toBe(1);
    expect(stats(await server.gql(q('Asia/Tokyo'))).cacheMisses).toBe(1);
    expect(stats(await server.gql(q('UTC'))).cacheHits).toBe(1);
    // Defaults and explicit values of the same argument are the same entry.
    expect(stats(await server.gql(`{ bestPostingTimes(minPosts: 1) { posts } }`)).cacheHits).toBe(1);
  });

  describe('through the real ingest mutation', () => {
    test.each(FIELD_NAMES)('%s: updateContentMetrics invalidates', async (field) => {
      await read(server, field);
      expect((await read(server, field)).stats.cacheHits).toBe(1);
      await expectUpdateInvalidates(server, server, field, rows[rows.length - 1], 1000);
    });
  });
});

describe('two instances, each with its own memory cache (no Redis)', () => {
  // An hour of TTL: only the announcement (src/cache/announce.ts) can make B forget its answer here.
  const a = serve({ CACHE_TTL_SECONDS: '3600' });
  const b = serve({ CACHE_TTL_SECONDS: '3600' });
  test.each(FIELD_NAMES)(
    '%s: updateContentMetrics through A invalidates what B cached, through a PostgreSQL notification',
    async (field) => {
      await read(b, field);
      expect((await read(b, field)).stats).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
      await updateViews(a, rows[1], 11);
      // B hears it on its listening connection, once PostgreSQL delivers it: milliseconds, not the TTL
      let after: Awaited<ReturnType<typeof read>> | undefined;
      await until('B to forget its answer', async () => (after = await read(b, field)).stats.cacheMisses === 1, 5_000, 10);
      expect(after!.summary).toEqual(truth());
    },
  );

  test('what is announced: the cached tables a write invalidated, nothing for an ingest of interactions', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    try {
      await listener.query(`LISTEN ${CHANNELS.writes}`);
      const user = await factories(db.pool).user();
      const ingest = await a.gql(`mutation ($u: ID!) { recordInteractions(input: [{ userId: $u, type: VIEW }]) { inserted } }`, {
        u: String(user.id),
      });
      expect(ok(ingest).recordInteractions.inserted).toBe(1);
      await updateViews(a, rows[1], 0); // sent after the ingest: once it is heard, the ingest's would have been too
      await until('the announcement of updateContentMetrics', () => heard.length > 0, 5_000, 10);
      expect(heard).toEqual([expect.stringMatching(/^\S+ published_content$/)]);
    } finally {
      await listener.end();
    }
  });
});

backends.twoOnOneRedis((a, b) => {
  test.each(FIELD_NAMES)('%s: an answer cached by A is a hit on B; a mutation through A invalidates B', async (field) => {
    await touch(a);
    expect((await read(a, field)).stats.cacheMisses).toBe(1);
    expect((await read(b, field)).stats).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
    await addRow();
    await touch(a);
    const after = await read(b, field);
    expect(after.stats.cacheMisses).toBe(1);
    expect(after.summary).toEqual(truth());
  });

  describe('through the real ingest mutation', () => {
    test.each(FIELD_NAMES)('%s: updateContentMetrics through A invalidates B', async (field) => {
      await read(b, field);
      expect((await read(b, field)).stats.cacheHits).toBe(1);
      await expectUpdateInvalidates(a, b, field, rows[0], 7);
    });
  });
});

describe('safety nets', () => {
  test('Redis down: reads still answer, computed (misses, no hits)', async () => {
    const server = await startServer({ REDIS_URL: 'redis://127.0.0.1:1', CACHE_KEY_PREFIX: uniquePrefix() });
    try {
      for (const field of FIELD_NAMES) {
        for (let i = 0; i < 2; i++) {
          const r = await read(server, field);
          expect(r.stats).toMatchObject({ cacheHits: 0, cacheMisses: 1 });
          expect(r.summary).toEqual(truth());
        }
      }
      await touch(server); // an invalidation that cannot reach Redis is harmless
    } finally {
      await server.stop();
    }
  });

  test('entries expire after CACHE_TTL_SECONDS', async () => {
    const server = await startServer({ CACHE_TTL_SECONDS: '1' });
    try {
      await read(server, 'contentBreakdown');
      expect((await read(server, 'contentBreakdown')).stats.cacheHits).toBe(1);
      let after: Awaited<ReturnType<typeof read>> | undefined;
      await until('the entry to expire', async () => (after = await read(server, 'contentBreakdown')).stats.cacheHits === 0, 3000);
      expect(after!.stats.cacheMisses).toBe(1);
    } finally {
      await server.stop();
    }
  });
});

describeWith('redis', 'Redis backend on its own', () => {
  const quiet = { info() {}, warn() {}, error() {} };

  test('an invalidation that fails makes reads of its tables bypass Redis until an INCR has gone through', async () => {
    const cache = await RedisResultCache.connect({ url: REDIS_URL, prefix: uniquePrefix(), ttlSeconds: 60, log: quiet });
    try {
      const redis = (cache as unknown as { redis: Redis & { cacheInvalidate(...args: unknown[]): Promise<number> } }).redis;
      const T = ['published_content'];
      const other = ['community_users'];
      await cache.set('k', T, (await cache.get('k', T)).generation!, '"old"');
      await cache.set('u', other, (await cache.get('u', other)).generation!, '"users"');
      expect((await cache.get('k', T)).value).toBe('"old"');
      const incr = jest.spyOn(redis, 'cacheInvalidate').mockRejectedValueOnce(new Error('connection lost'));
      await cache.invalidate(T); // a write happened, but Redis did not hear of it
      expect(await cache.get('k', T)).toEqual({ generation: null, value: undefined });
      expect((await cache.get('u', other)).value).toBe('"users"'); // another table's answers are still good
      incr.mockRestore();
      redis.emit('ready'); // as after a reconnect: the owed INCR goes out first
      await until('the owed INCR to go through', async () => (await cache.get('k', T)).generation !== null, 500, 10);
      const after = await cache.get('k', T);
      expect(after.generation).not.toBeNull();
      expect(after.value).toBeUndefined();
    } finally {
      await cache.close();
    }
  });
});

describe('cache keys', () => {
  test('canonical JSON ignores key order and undefined members; Dates become ISO strings', () => {
    const d = new Date('2026-01-01T00:00:00Z');
    expect(canonicalJson({ b: 1, a: { y: [2, { d: d, c: undefined }], x: null } })).toBe(
      '{"a":{"x":null,"y":[2,{"d":"2026-01-01T00:00:00.000Z"}]},"b":1}',
    );
    expect(cacheKey('f', { a: 1, b: 2 })).toBe(cacheKey('f', { b: 2, a: 1 }));
    expect(cacheKey('f', { a: 1 })).not.toBe(cacheKey('g', { a: 1 }));
    expect(cacheKey('f', { a: 1 })).not.toBe(cacheKey('f', { a: 2 }));
  });
});
