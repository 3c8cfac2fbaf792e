/**
 * The in-memory result cache: bounded by bytes (CACHE_MAX_BYTES), entries gone after the TTL even
 * when nothing looks them up, and the generation rules per table (a stale set is dropped, a write
 * to a table an answer reads makes it unreachable, a write to another table does not).
 */
import { createResultCache } from '../../src/cache';
import { MemoryResultCache } from '../../src/cache/result-cache';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { until } from '../support/wait';
import { Pool } from 'pg';

const caches: MemoryResultCache[] = [];
function memoryCache(opts: ConstructorParameters<typeof MemoryResultCache>[0]): MemoryResultCache {
  const cache = new MemoryResultCache(opts);
  caches.push(cache);
  return cache;
}
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.close()));
});

/** The tables the answers of these tests read. */
const T = ['published_content'];

/** A JSON answer of about `chars` characters. */
const answer = (i: number, chars: number) => JSON.stringify({ i, pad: 'x'.repeat(chars) });

describe('byte budget', () => {
  test('filled far beyond its budget, it never holds more than the budget and keeps the most recent answers', async () => {
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 20_000 });
    const { generation } = await cache.get('probe', T);
    for (let i = 0; i < 200; i++) {
      await cache.set(`engagementTimeSeries:${i}`, T, generation!, answer(i, 500));
      expect(cache.bytes).toBeLessThanOrEqual(20_000);
    }
    // (key + value) x 2 bytes: about 1,100 bytes an entry, so 18 fit.
    const entryBytes = ('engagementTimeSeries:199'.length + answer(199, 500).length) * 2;
    expect(cache.size).toBe(Math.floor(20_000 / entryBytes));
    expect(cache.bytes).toBe(cache.size * entryBytes);
    expect((await cache.get('engagementTimeSeries:199', T)).value).toBe(answer(199, 500));
    expect((await cache.get('engagementTimeSeries:0', T)).value).toBeUndefined();
  });

  test('a lookup keeps an answer: the least recently used goes first', async () => {
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 22_000 }); // ten entries of 2,044 bytes
    const { generation } = await cache.get('probe', T);
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, T, generation!, answer(i, 1000));
    expect(cache.size).toBe(10);
    await cache.get('k0', T);
    await cache.set('k10', T, generation!, answer(10, 1000));
    expect(cache.size).toBe(10);
    expect((await cache.get('k0', T)).value).toBe(answer(0, 1000));
    expect((await cache.get('k1', T)).value).toBeUndefined();
  });

  test('an answer over a tenth of the budget is not stored and evicts nothing', async () => {
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 20_000 });
    const { generation } = await cache.get('probe', T);
    await cache.set('small', T, generation!, answer(0, 100));
    await cache.set('huge', T, generation!, answer(1, 1_000)); // (4 + ~1,020) x 2 > 2,000 bytes
    expect((await cache.get('huge', T)).value).toBeUndefined();
    expect((await cache.get('small', T)).value).toBe(answer(0, 100));
  });

  test('CACHE_MAX_BYTES sets the budget of the server cache', async () => {
    const config = loadConfig({ CACHE_MAX_BYTES: '4096', LOG_LEVEL: 'silent' });
    expect(loadConfig({}).cacheMaxBytes).toBe(64 * 1024 * 1024);
    const pool = new Pool(); // never connects: nothing is invalidated here
    const cache = (await createResultCache(config, createLogger(config), pool)) as MemoryResultCache;
    await pool.end();
    caches.push(cache);
    expect(cache).toBeInstanceOf(MemoryResultCache);
    const { generation } = await cache.get('probe', T);
    for (let i = 0; i < 50; i++) await cache.set(`k${i}`, T, generation!, answer(i, 100));
    expect(cache.bytes).toBeLessThanOrEqual(4096);
    expect(cache.bytes).toBeGreaterThan(4096 - 300);
  });
});

describe('CACHE_MAX_BYTES=0', () => {
  test('0 is no cache: nothing is kept, and no generation is given (so no computation is shared in flight); 1..1023 is refused', async () => {
    expect(loadConfig({ CACHE_MAX_BYTES: '0' }).cacheMaxBytes).toBe(0);
    expect(() => loadConfig({ CACHE_MAX_BYTES: '1023' })).toThrow('CACHE_MAX_BYTES must be 0 (no cache) or an integer >= 1024, got "1023"');
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 0 });
    expect(await cache.get('probe', T)).toEqual({ generation: null, value: undefined });
    await cache.set('probe', T, '0', answer(0, 10));
    expect(await cache.get('probe', T)).toEqual({ generation: null, value: undefined });
    expect(cache.size).toBe(0);
  });
});

describe('TTL', () => {
  test('an answer is served until its TTL and not after (clock moved by the test)', async () => {
    let now = 1_000_000;
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 100_000, clock: { now: () => now } });
    const { generation } = await cache.get('probe', T);
    await cache.set('a', T, generation!, answer(1, 10));
    now += 59_999;
    expect((await cache.get('a', T)).value).toBe(answer(1, 10));
    now += 2;
    expect((await cache.get('a', T)).value).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('expired answers leave memory with no lookup at all', async () => {
    const cache = memoryCache({ ttlMs: 30, maxBytes: 100_000 });
    const { generation } = await cache.get('probe', T);
    for (let i = 0; i < 20; i++) await cache.set(`k${i}`, T, generation!, answer(i, 100));
    expect(cache.size).toBe(20);
    await until('the expired answers to leave', () => cache.size === 0, 5_000, 10);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});

describe('generations', () => {
  test('an answer computed before a write to its tables is not stored, and one stored before it is not found after it', async () => {
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 100_000 });
    const before = await cache.get('a', T);
    await cache.set('b', T, before.generation!, answer(2, 10));
    await cache.invalidate(T);
    expect((await cache.get('b', T)).value).toBeUndefined();
    expect(cache.size).toBe(0); // looked up after the write: its memory is back at once
    await cache.set('a', T, before.generation!, answer(1, 10));
    expect(cache.size).toBe(0);
    const after = await cache.get('a', T);
    expect(after.generation).not.toBe(before.generation);
    expect(after.value).toBeUndefined();
    await cache.set('a', T, after.generation!, answer(1, 10));
    expect((await cache.get('a', T)).value).toBe(answer(1, 10));
  });

  test('a write invalidates the answers that read its table, and only those', async () => {
    const cache = memoryCache({ ttlMs: 60_000, maxBytes: 100_000 });
    const content = ['published_content', 'content_plans'];
    const users = ['community_users'];
    await cache.set('breakdown', content, (await cache.get('breakdown', content)).generation!, answer(1, 10));
    await cache.set('tiers', users, (await cache.get('tiers', users)).generation!, answer(2, 10));
    await cache.invalidate(['user_interactions']);
    expect((await cache.get('breakdown', content)).value).toBe(answer(1, 10));
    expect((await cache.get('tiers', users)).value).toBe(answer(2, 10));
    await cache.invalidate(['content_plans']);
    expect((await cache.get('breakdown', content)).value).toBeUndefined();
    expect((await cache.get('tiers', users)).value).toBe(answer(2, 10));
  });
});

describe('announcements between processes (the transport here is a function; over PostgreSQL: test/analytics/cache.test.ts)', () => {
  test("a cache's invalidation of a cached table reaches the other cache; its own echo and uncached tables change nothing", async () => {
    const sent: string[] = [];
    const a = memoryCache({ ttlMs: 60_000, maxBytes: 100_000, announce: async (payload) => void sent.push(payload) });
    const b = memoryCache({ ttlMs: 60_000, maxBytes: 100_000 });
    const users = ['community_users'];
    for (const cache of [a, b]) await cache.set('tiers', users, (await cache.get('tiers', users)).generation!, answer(2, 10));

    await a.invalidate(['user_interactions']); // no cached answer reads it: nothing to announce
    expect(sent).toEqual([]);
    await a.invalidate(['community_users', 'user_interactions']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^\S+ community_users$/);
    expect((await a.get('tiers', users)).value).toBeUndefined();

    // a's own announcement coming back (every process hears every notification) leaves a's new answer alone
    await a.set('tiers', users, (await a.get('tiers', users)).generation!, answer(3, 10));
    a.announced(sent[0]);
    expect((await a.get('tiers', users)).value).toBe(answer(3, 10));
    // b hears it: its answer goes
    expect((await b.get('tiers', users)).value).toBe(answer(2, 10));
    b.announced(sent[0]);
    expect((await b.get('tiers', users)).value).toBeUndefined();
  });
});
