/** Every environment variable the server reads, parsed and validated once. */
import path from 'node:path';

export type Role = 'reader' | 'writer' | 'admin';
/** Who may use `__schema` and `__type`: everyone, callers with a key of any role, or no one. */
export type IntrospectionAccess = 'public' | 'reader' | 'off';

export interface Config {
  port: number;
  nodeEnv: string;
  databaseUrl: string | undefined;
  /** Read replicas of DATABASE_URL (streaming standbys): queries run there (src/db/replicas.ts). */
  replicaUrls: string[];
  /** A replica further behind the primary than this is skipped: its reads go to another one or the primary. */
  replicaMaxLagMs: number;
  /** How often each replica's replay position (and the primary's WAL position) is read. */
  replicaPollIntervalMs: number;
  dataDir: string;
  embeddedPort: number;
  migrationsRun: boolean;
  queryStats: boolean;
  poolMax: number;
  connectionTimeoutMs: number;
  readStatementTimeoutMs: number;
  /**
   * statement_timeout of an agent's transaction (SET LOCAL), lock wait included; 0 = none. Agents
   * scan whole tables, so the 30 s read limit does not fit them, but a stuck run must not hold its
   * agent's lock forever.
   */
  agentStatementTimeoutMs: number;
  /** work_mem of an agent's transaction (SET LOCAL): its hash aggregates and sorts stay in memory. */
  agentWorkMem: string;
  /** How often `running` rows whose owner connection is gone are marked failed (src/agents/run-sweep.ts). */
  runSweepIntervalMs: number;
  /** Test only (refused with NODE_ENV=production): this agent's run fails after its first domain statement. */
  agentFailAfterFirstStatement: string | null;
  apiKeys: Map<string, Role>;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Fields, fragment spreads and inline fragments in a document, each fragment counted once. */
  maxFields: number;
  /** Aggregate answers one request may compute (cache misses); hits are free. */
  maxAggregatesPerRequest: number;
  bodyLimitBytes: number;
  /** POST /ingest/interactions: largest body, in bytes (HTTP 413 above). */
  ingestMaxBytes: number;
  maxTokens: number;
  shutdownTimeoutMs: number;
  redisUrl: string | undefined;
  cacheTtlSeconds: number;
  /** Byte budget of the in-memory result cache (without REDIS_URL); 0: no cache, every request computes. */
  cacheMaxBytes: number;
  /** Prefix of every Redis key of the result cache (instances that share answers share it). */
  cacheKeyPrefix: string;
  logLevel: string;
  allowBatchingSwitch: boolean;
  /** Origins (scheme://host[:port]) allowed to call /graphql from a browser; ['*'] = any (only without API_KEYS). */
  corsOrigins: string[];
  corsMaxAgeSeconds: number;
  /** max-age of `Cache-Control: public` on anonymous GET queries of an open server; 0 = always private. */
  httpPublicMaxAge: number;
  /** POST bodies may be arrays of operations (ALLOW_BATCHING), at most maxBatchOperations of them. */
  operationBatching: boolean;
  maxBatchOperations: number;
  /** A bearer key that may read /metrics (a scraper's), besides admin keys. */
  metricsKey: string | undefined;
  introspection: IntrospectionAccess;
  /** Subscriptions one WebSocket connection may hold at once. */
  maxSubscriptionsPerConnection: number;
  /** Open WebSocket connections per process; an upgrade beyond answers 503. */
  maxWsConnections: number;
  /** Run a job-queue worker in this process (WORKER, default on; `npm run worker` runs one without HTTP). */
  worker: boolean;
  /** Jobs one worker process runs at once. */
  workerConcurrency: number;
  /** How often a worker looks for jobs that became due (debounced and retried ones); new jobs arrive by LISTEN/NOTIFY. */
  workerPollIntervalMs: number;
  /** Ingest mutations enqueue an incremental ConversionAgent job for the users they touch. */
  autoRecompute: boolean;
  /** How long an incremental job waits for more users before it runs (triggers within it coalesce into one job). */
  recomputeDebounceMs: number;
  /** Attempts of a queued agent job (enqueueAgentRun, schedules, incremental) before it is given up. */
  agentMaxAttempts: number;
  /** Cron schedules (5 fields, UTC) of the automatic full runs and of the partition maintenance; null = off. */
  schedules: { conversion: string | null; snapshot: string | null; analytics: string | null; partitions: string | null };
  /**
   * How far back (minutes) a worker that starts runs the schedule periods it missed, once each
   * (graphile-worker's backfill); 0 = none: a period during which no worker ran is skipped.
   */
  scheduleBackfillMinutes: number;
  /**
   * Months of interactions kept (INTERACTIONS_RETENTION_MONTHS); null = all. The partition
   * maintenance drops every month partition whose month ended more than that long ago, and windows
   * reaching further back are refused (docs/agents.md "Retention").
   */
  interactionsRetentionMonths: number | null;
  /**
   * A worker vacuums each partition of user_interactions that took at least this many rows since
   * its last vacuum (INTERACTIONS_VACUUM_ROWS; 0 = never), so that the incremental ConversionAgent's
   * scoring stays index-only over fresh rows (docs/agents.md "Kept vacuumed", src/db/vacuum.ts).
   */
  interactionsVacuumRows: number;
  /**
   * A worker vacuums community_users once it holds this many dead row versions (USERS_VACUUM_ROWS;
   * 0 = never): the incremental runs rewrite their users' rows (docs/agents.md "Kept vacuumed").
   */
  usersVacuumRows: number;
  /** How often a worker checks whether either of the two vacuums above is due (VACUUM_CHECK_MS). */
  vacuumCheckMs: number;
}

/** A 5-field cron expression (minute hour day month weekday), or `off`. */
function schedule(env: NodeJS.ProcessEnv, name: string, fallback: string): string | null {
  const raw = (env[name] ?? '').trim() || fallback;
  if (raw === 'off') return null;
  if (!/^(\S+\s+){4}\S+$/.test(raw))
    throw new Error(`${name} must be a cron expression of 5 fields (e.g. "*/15 * * * *") or off, got "${raw}"`);
  return raw.replace(/\s+/g, ' ');
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** CACHE_MAX_BYTES: 0 keeps no answer in memory at all (every request computes), else at least 1024. */
function cacheMaxBytes(env: NodeJS.ProcessEnv): number {
  const n = int(env, 'CACHE_MAX_BYTES', 64 * 1024 * 1024);
  if (n !== 0 && n < 1024) throw new Error(`CACHE_MAX_BYTES must be 0 (no cache) or an integer >= 1024, got "${env.CACHE_MAX_BYTES}"`);
  return n;
}

/**
 * INTERACTIONS_RETENTION_MONTHS: unset or empty keeps everything. At least 2: the automatic
 * ConversionAgent runs score a 30-day window, which one calendar month (28 days in February) may not hold.
 */
function retentionMonths(env: NodeJS.ProcessEnv): number | null {
  const raw = env.INTERACTIONS_RETENTION_MONTHS;
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(
      `INTERACTIONS_RETENTION_MONTHS must be an integer >= 2 (the automatic runs' 30-day window must fit), or unset to keep all, got "${raw}"`,
    );
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function memory(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]{0,6}(kB|MB|GB)$/.test(raw)) throw new Error(`${name} must be a PostgreSQL memory size such as 64MB, got "${raw}"`);
  return raw;
}

function faultHook(env: NodeJS.ProcessEnv): string | null {
  const raw = env.AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT;
  if (!raw) return null;
  if (env.NODE_ENV === 'production')
    throw new Error('AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT is a test hook; refusing it with NODE_ENV=production');
  return raw;
}

/** Exact origins, as a browser sends them in `Origin`; `*` alone means any origin. */
export function parseCorsOrigins(raw: string | undefined, apiKeys: Map<string, Role>): string[] {
  const origins = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.includes('*')) {
    if (origins.length > 1) throw new Error('CORS_ORIGINS is either * or a list of origins, not both');
    if (apiKeys.size > 0) throw new Error("CORS_ORIGINS=* is refused with API_KEYS set: list your frontends' origins instead");
    return origins;
  }
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `CORS_ORIGINS entries must be origins such as https://app.example.com (scheme, host, optional port; no path), got "${origin}"`,
      );
    }
  }
  return origins;
}

function introspectionAccess(env: NodeJS.ProcessEnv, apiKeys: Map<string, Role>): IntrospectionAccess {
  const raw = env.INTROSPECTION;
  if (raw === undefined || raw === '') return apiKeys.size > 0 ? 'reader' : 'public';
  if (raw === 'public' || raw === 'reader' || raw === 'off') return raw;
  throw new Error(`INTROSPECTION must be public, reader or off, got "${raw}"`);
}

function publicMaxAge(env: NodeJS.ProcessEnv, apiKeys: Map<string, Role>): number {
  const seconds = int(env, 'HTTP_PUBLIC_MAX_AGE', 0);
  if (seconds > 0 && apiKeys.size > 0) {
    throw new Error('HTTP_PUBLIC_MAX_AGE is refused with API_KEYS set: every answer then needs a key, so none may be shared');
  }
  return seconds;
}

export function parseApiKeys(raw: string | undefined): Map<string, Role> {
  const keys = new Map<string, Role>();
  if (!raw) return keys;
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const idx = pair.indexOf(':');
    const role = pair.slice(0, idx) as Role;
    const key = pair.slice(idx + 1);
    if (idx < 1 || !key || !['reader', 'writer', 'admin'].includes(role)) {
      throw new Error(`API_KEYS entries must be role:key with role reader, writer or admin; got "${pair}"`);
    }
    keys.set(key, role);
  }
  return keys;
}

/** DATABASE_REPLICA_URLS: comma-separated postgres:// URLs; they need DATABASE_URL (the embedded database has none). */
function parseReplicaUrls(env: NodeJS.ProcessEnv): string[] {
  const urls = (env.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const url of urls) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'postgres:' && protocol !== 'postgresql:')
      throw new Error(`DATABASE_REPLICA_URLS must be comma-separated postgresql:// URLs, got "${url.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  if (urls.length && !env.DATABASE_URL) throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: the replicas are those of that primary');
  return urls;
}

/**
 * The replicas and their lag settings. A replica's lag is known to one poll interval (src/db/replicas.ts):
 * an interval as long as the limit would count every replica of a busy primary as lagging.
 */
function replicaSettings(env: NodeJS.ProcessEnv): Pick<Config, 'replicaUrls' | 'replicaMaxLagMs' | 'replicaPollIntervalMs'> {
  const replicaUrls = parseReplicaUrls(env);
  const replicaMaxLagMs = int(env, 'REPLICA_MAX_LAG_MS', 1000, 0);
  const replicaPollIntervalMs = int(env, 'REPLICA_POLL_INTERVAL_MS', 200, 10);
  if (replicaUrls.length && replicaPollIntervalMs >= replicaMaxLagMs) {
    throw new Error(
      `REPLICA_POLL_INTERVAL_MS (${replicaPollIntervalMs}) must be below REPLICA_MAX_LAG_MS (${replicaMaxLagMs}): ` +
        "a replica's lag is only known to one poll interval",
    );
  }
  return { replicaUrls, replicaMaxLagMs, replicaPollIntervalMs };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const apiKeys = parseApiKeys(env.API_KEYS);
  return {
    port: int(env, 'PORT', 4000),
    nodeEnv: env.NODE_ENV ?? '',
    databaseUrl: env.DATABASE_URL || undefined,
    ...replicaSettings(env),
    dataDir: path.resolve(env.DATA_DIR ?? '.data'),
    embeddedPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1),
    migrationsRun: bool(env, 'MIGRATIONS_RUN', true),
    queryStats: bool(env, 'QUERY_STATS', false),
    poolMax: int(env, 'DB_POOL_MAX', 10, 1),
    connectionTimeoutMs: int(env, 'DB_CONNECTION_TIMEOUT_MS', 5000, 1),
    readStatementTimeoutMs: int(env, 'READ_STATEMENT_TIMEOUT_MS', 30000, 1),
    agentStatementTimeoutMs: int(env, 'AGENT_STATEMENT_TIMEOUT_MS', 300000, 0),
    agentWorkMem: memory(env, 'AGENT_WORK_MEM', '64MB'),
    runSweepIntervalMs: int(env, 'RUN_SWEEP_INTERVAL_MS', 60000, 100),
    agentFailAfterFirstStatement: faultHook(env),
    apiKeys,
    maxDepth: int(env, 'MAX_QUERY_DEPTH', 10, 1),
    maxAliases: int(env, 'MAX_QUERY_ALIASES', 30, 0),
    maxCost: int(env, 'MAX_QUERY_COST', 20000, 1),
    maxFields: int(env, 'MAX_QUERY_FIELDS', 150, 1),
    maxAggregatesPerRequest: int(env, 'MAX_AGGREGATES_PER_REQUEST', 10, 0),
    bodyLimitBytes: int(env, 'MAX_BODY_BYTES', 1024 * 1024, 1),
    ingestMaxBytes: int(env, 'INGEST_MAX_BYTES', 64 * 1024 * 1024, 1),
    // 5000: the worst document within the limits (scripts/bench-validation.ts) stays under 20 ms of validation.
    maxTokens: int(env, 'MAX_QUERY_TOKENS', 5000, 1),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0),
    redisUrl: env.REDIS_URL || undefined,
    cacheTtlSeconds: int(env, 'CACHE_TTL_SECONDS', 60, 1),
    cacheMaxBytes: cacheMaxBytes(env),
    cacheKeyPrefix: env.CACHE_KEY_PREFIX || 'creator-analytics:cache:',
    logLevel: env.LOG_LEVEL ?? 'info',
    allowBatchingSwitch: bool(env, 'BENCH_ALLOW_UNBATCHED', false),
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS, apiKeys),
    corsMaxAgeSeconds: int(env, 'CORS_MAX_AGE_SECONDS', 600),
    httpPublicMaxAge: publicMaxAge(env, apiKeys),
    operationBatching: bool(env, 'ALLOW_BATCHING', false),
    maxBatchOperations: int(env, 'MAX_BATCH_OPERATIONS', 10, 1),
    metricsKey: env.METRICS_KEY || undefined,
    introspection: introspectionAccess(env, apiKeys),
    maxSubscriptionsPerConnection: int(env, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1),
    maxWsConnections: int(env, 'MAX_WS_CONNECTIONS', 1000, 1),
    worker: bool(env, 'WORKER', true),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 2, 1),
    workerPollIntervalMs: int(env, 'WORKER_POLL_INTERVAL_MS', 200, 10),
    autoRecompute: bool(env, 'AUTO_RECOMPUTE', true),
    recomputeDebounceMs: int(env, 'RECOMPUTE_DEBOUNCE_MS', 250, 0),
    agentMaxAttempts: int(env, 'AGENT_MAX_ATTEMPTS', 3, 1),
    schedules: {
      conversion: schedule(env, 'SCHEDULE_CONVERSION', '*/15 * * * *'),
      snapshot: schedule(env, 'SCHEDULE_SNAPSHOT', '0 3 * * *'),
      analytics: schedule(env, 'SCHEDULE_ANALYTICS', '0 * * * *'),
      partitions: schedule(env, 'SCHEDULE_PARTITIONS', '5 * * * *'),
    },
    scheduleBackfillMinutes: int(env, 'SCHEDULE_BACKFILL_MINUTES', 0),
    interactionsRetentionMonths: retentionMonths(env),
    interactionsVacuumRows: int(env, 'INTERACTIONS_VACUUM_ROWS', 50_000, 0),
    usersVacuumRows: int(env, 'USERS_VACUUM_ROWS', 100_000, 0),
    vacuumCheckMs: int(env, 'VACUUM_CHECK_MS', 5000, 100),
  };
}
