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
import { RedisResultCache } from './redis-result-cache';
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
  return RedisResultCache.connect({ url: config.redisUrl, prefix: config.cacheKeyPrefix, ttlSeconds: config.cacheTtlSeconds, log });
}

export async function cached<T>(ctx: Context, field: CachedField, args: unknown, compute: () => Promise<T>): Promise<T> {
  const key = cacheKey(field, args);
  const tables = READS[field];
  const { generation, value } = await ctx.resultCache.get(key, tables);
  if (value !== undefined) {
    ctx.cache.hits += 1;
    return JSON.parse(value) as T;
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
  const json = JSON.stringify(await compute());
  if (generation !== null && (await current)()) await ctx.resultCache.set(key, tables, generation, json);
  return JSON.parse(json) as T;
}
