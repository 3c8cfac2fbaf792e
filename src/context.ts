/** Per-request context: the caller's role, the counted Db, the loaders and the query stats. */
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
  /** The server's configuration (agents read their timeout and work_mem from it). */
  config: Config;
}

export function createContext(
  db: Db,
  role: Role | null,
  sentKey: boolean,
  config: Config = loadConfig({}),
  opts: { batch?: boolean } = {},
): Context {
  return { db, stats: db.stats, loaders: createLoaders(db, opts), role, sentKey, cache: { hits: 0, misses: 0 }, config };
}
