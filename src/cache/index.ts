/**
 * The aggregate reads' result cache: `cached(ctx, 'field', args, compute)` answers from the cache
 * or computes, stores and counts (ctx.cache.hits / misses, reported in extensions.queryStats).
 * An answer is invalidated by writes to the tables its field reads (dependencies.ts).
 * A request computes at most MAX_AGGREGATES_PER_REQUEST answers; cached ones are free.
 * Answers travel as JSON on hits and misses alike (Dates become ISO strings, which the DateTime
 * scalar serializes the same way), so a resolver sees one shape whatever the cache did.
 */
import { GraphQLError } from 'graphql';
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { announceOn } from './announce';
import { cacheKey } from './cache-key';
import { CachedField, READS } from './dependencies';
import { MemoryResultCache, ResultCache } from './result-cache';

export { cacheKey, canonicalJson } from './cache-key';
export type { ResultCache } from './result-cache';

/**
 * One cache per server: Redis when REDIS_URL is set (shared by instances), else in memory, whose
 * invalidations are announced to the other processes on `pool` (announce.ts).
 */
export async function createResultCache(config: Config, log: Logger, pool: Pool): Promise<ResultCache> {
  if (!config.redisUrl) {
    return new MemoryResultCache({ ttlMs: config.cacheTtlSeconds * 1000, maxBytes: config.cacheMaxBytes, announce: announceOn(pool, log) });
  }
  log.info({ prefix: config.cacheKeyPrefix, ttlSeconds: config.cacheTtlSeconds }, 'result cache: Redis (shared by instances)');
  // ioredis loaded only when REDIS_URL asks for it (docs/architecture.md "Start-up cost").
  const { RedisResultCache } = await import('./redis-result-cache');
  return RedisResultCache.connect({ url: config.redisUrl, prefix: config.cacheKeyPrefix, ttlSeconds: config.cacheTtlSeconds, log });
}

/**
 * The computations in flight, per cache, by generation and key: a request that misses while the same
 * answer of the same generation is being computed waits for it instead of computing it again (at the
 * end of a TTL, or after a write, 50 dashboards asking at once make one computation, not 50). A
 * write in between changes the generation, so no request ever joins a computation older than a write
 * it knows of. A request that joined counts a hit (it ran no SQL); when the computation it joined
 * fails, it computes on its own.
 */
const inFlight = new WeakMap<ResultCache, Map<string, Promise<string>>>();

export async function cached<T>(ctx: Context, field: CachedField, args: unknown, compute: () => Promise<T>): Promise<T> {
  const key = cacheKey(field, args);
  const tables = READS[field];
  const { generation, value } = await ctx.resultCache.get(key, tables);
  if (value !== undefined) {
    ctx.cache.hits += 1;
    return JSON.parse(value) as T;
  }
  let flights = inFlight.get(ctx.resultCache);
  if (!flights) inFlight.set(ctx.resultCache, (flights = new Map()));
  const flightKey = generation === null ? null : `${generation}\u0000${key}`;
  const joined = flightKey === null ? undefined : flights.get(flightKey);
  if (joined) {
    const json = await joined.catch(() => null);
    if (json !== null) {
      ctx.cache.hits += 1;
      return JSON.parse(json) as T;
    }
  }
  const max = ctx.config.maxAggregatesPerRequest;
  if (ctx.cache.misses >= max) {
    // Refused before computing. The answers computed so far are stored as usual, so the same
    // request sent again finds them in the cache and goes further.
    throw new GraphQLError(
      `Aggregate limit of ${max} computed per request exceeded at ${field} ` +
        '(MAX_AGGREGATES_PER_REQUEST; answers from the cache do not count).',
      { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    );
  }
  ctx.cache.misses += 1;
  // On a read replica, stored only if the replica was not behind the last invalidation (Db.cacheCheck).
  const current = ctx.db.cacheCheck();
  const flight = (async () => {
    const json = JSON.stringify(await compute());
    if (generation !== null && (await current)()) await ctx.resultCache.set(key, tables, generation, json);
    return json;
  })();
  if (flightKey !== null && !flights.has(flightKey)) {
    // Until the answer is stored (or the computation failed): no gap in which a request finds neither.
    flights.set(flightKey, flight);
    const done = () => void (flights.get(flightKey) === flight && flights.delete(flightKey));
    flight.then(done, done);
  }
  return JSON.parse(await flight) as T;
}
