/** Per-request context: the caller's role, the counted Db, the loaders and the query stats. */
import type { ResultCache } from './cache/result-cache';
import type { Config, Role } from './config';
import { Db, QueryStats } from './db/db';
import { createLoaders, Loaders } from './loaders';
import type { Logger } from './logger';

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
  /** The server's log (an agent run logs there a failure it could not record). */
  log: Logger;
  /** The server's configuration (agents read their timeout and work_mem from it). */
  config: Config;
  /** Shared by the operations of one HTTP request (a batch): their summed cost (src/graphql/limits.ts). */
  requestCost: { total: number };
}

export interface ContextDeps {
  db: Db;
  role: Role | null;
  sentKey: boolean;
  resultCache: ResultCache;
  log: Logger;
  config: Config;
  /** false only for the benchmark's N+1 comparison (loaders that do not batch). */
  batch: boolean;
}

export function createContext({ db, role, sentKey, resultCache, config, log, batch }: ContextDeps): Context {
  const loaders = createLoaders(db, { batch });
  const cache = { hits: 0, misses: 0 };
  return { db, stats: db.stats, loaders, role, sentKey, cache, resultCache, config, log, requestCost: { total: 0 } };
}
