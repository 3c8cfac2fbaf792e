/** Per-request context: the caller's role, the counted Db, the loaders and the query stats. */
import { NO_CACHE, ResultCache } from './cache/result-cache';
import { Config, loadConfig, Role } from './config';
import { Db, QueryStats } from './db/db';
import { createLoaders, Loaders } from './loaders';

export interface Context {
  db: Db;
  stats: QueryStats;
  loaders: Loaders;
  /** The caller's role; null when API keys are configured and none (or an unknown one) was sent. */
  role: Role | null;
  /** Whether an Authorization header was sent at all (for UNAUTHENTICATED vs FORBIDDEN messages). */
  sentKey: boolean;
  /** Cache hits/misses of the aggregate reads, reported with queryStats. */
  cache: { hits: number; misses: number };
  /** The server's result cache (src/cache); shared across requests and, with Redis, instances. */
  resultCache: ResultCache;
  /** The server's configuration (agents read their timeout and work_mem from it). */
  config: Config;
}

export function createContext(
  db: Db,
  role: Role | null,
  sentKey: boolean,
  opts: { resultCache?: ResultCache; config?: Config; batch?: boolean } = {},
): Context {
  return {
    db, stats: db.stats, loaders: createLoaders(db, { batch: opts.batch }), role, sentKey, cache: { hits: 0, misses: 0 },
    resultCache: opts.resultCache ?? NO_CACHE, config: opts.config ?? loadConfig({}),
  };
}
