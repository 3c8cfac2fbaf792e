/**
 * Read replicas (docs/operations.md "Read replicas"): one pg Pool per streaming standby of
 * DATABASE_REPLICA_URLS, a poller that measures how far each one is behind the primary, and the
 * per-request choice of where a query's statements run (ReadRoute, used by Db).
 *
 * Lag: every REPLICA_POLL_INTERVAL_MS the poller reads the primary's `pg_current_wal_lsn()` (kept
 * as a short history of samples) and each replica's `pg_last_wal_replay_lsn()`. A replica's lag is
 * the age of the oldest primary sample it has not replayed yet (0 when it has replayed the newest),
 * plus its byte lag for the metrics. `now() - pg_last_xact_replay_timestamp()` is not used: on an
 * idle primary it grows without bound although the replica is fully caught up.
 *
 * Failures: a replica whose connection fails is marked down until its next successful poll, and the
 * statement runs again on the primary; a replica whose pool had no free connection in time, or a
 * standby's recovery conflict (the replayed WAL removed rows the statement still needed), runs it
 * again on the primary without marking it down. The poller has a connection of its own per replica.
 */
import { Pool, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { Logger } from '../logger';
import { databaseTrouble } from './pg-errors';
import { createPool, PoolConfig } from './pool';

/** A WAL position (pg_lsn), as a number of bytes. */
export type Lsn = bigint;

/** pg_lsn text ("16/B374D848") to bytes, or null when it is not one. */
export function parseLsn(text: unknown): Lsn | null {
  if (typeof text !== 'string') return null;
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  return m ? (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`) : null;
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export type ReplicaState = 'up' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** host:port/database, no credentials. */
  name: string;
  state: ReplicaState;
  /** null until its first successful poll. */
  lagMs: number | null;
  lagBytes: number | null;
  replayLsn: string | null;
  /** Why it is down. */
  reason?: string;
}

export interface ReplicaOptions {
  maxLagMs: number;
  pollIntervalMs: number;
  pool: PoolConfig;
  log: Logger;
}

export class Replica {
  state: ReplicaState = 'down';
  reason: string | undefined = 'not polled yet';
  /** Replayed WAL position at the last successful poll; replay only moves forward. */
  replayLsn: Lsn | null = null;
  lagBytes: number | null = null;
  /** Statements run here, and statements that failed here and ran again on the primary. */
  statements = 0;
  fallbacks = 0;

  constructor(
    readonly name: string,
    /** The reads' connections. */
    readonly pool: Pool,
    /** The poller's one connection: a replica whose pool is busy with reads is still measured on time. */
    readonly probe: Pool,
  ) {}
}

interface Sample {
  at: number;
  lsn: Lsn;
}

/** Primary samples kept: enough to date a lag far past any sensible REPLICA_MAX_LAG_MS. */
const SAMPLES_KEPT_MS = 60_000;

export class Replicas {
  readonly replicas: Replica[];
  private samples: Sample[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;

  constructor(
    readonly primary: Pool,
    urls: string[],
    private readonly opts: ReplicaOptions,
  ) {
    this.replicas = urls.map((url, i) => {
      const u = new URL(url);
      const name = `${u.hostname}:${u.port || 5432}${u.pathname}`;
      const unique = urls.slice(0, i).some((o) => o === url) ? `${name}#${i + 1}` : name;
      return new Replica(unique, createPool(url, opts.pool, opts.log), probePool(url, Math.max(1000, 5 * opts.pollIntervalMs)));
    });
  }

  /** Polls once (so that the first requests already use the replicas that are there), then every interval. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.pollIntervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await Promise.all(this.replicas.flatMap((r) => [r.pool, r.probe]).map((pool) => pool.end().catch(() => undefined)));
  }

  /** One round: the primary's WAL position, then every replica's replay position. Never throws. */
  poll(): Promise<void> {
    return (this.polling ??= this.pollOnce().finally(() => (this.polling = null)));
  }

  private async pollOnce(): Promise<void> {
    const primaryLsn = await this.primaryLsn().catch(() => null);
    const now = performance.now();
    if (primaryLsn !== null) {
      this.samples.push({ at: now, lsn: primaryLsn });
      while (this.samples.length > 1 && this.samples[0].at < now - SAMPLES_KEPT_MS) this.samples.shift();
    }
    await Promise.all(
      this.replicas.map(async (r) => {
        try {
          const { rows } = await r.probe.query<{ recovery: boolean; replay: string | null }>(
            'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay',
          );
          const replay = parseLsn(rows[0]?.replay);
          if (!rows[0]?.recovery || replay === null) return this.markDown(r, 'not a standby (promoted, or not a replica)');
          const wasDown = r.state === 'down';
          r.replayLsn = replay;
          r.lagBytes = primaryLsn === null ? null : Math.max(0, Number(primaryLsn - replay));
          r.state = this.lagMs(r)! <= this.opts.maxLagMs ? 'up' : 'lagging';
          r.reason = undefined;
          if (wasDown) this.opts.log.info({ replica: r.name, state: r.state }, 'read replica reachable');
        } catch (err) {
          this.markDown(r, err instanceof Error ? err.message : String(err));
        }
      }),
    );
  }

  /**
   * The age of the oldest primary sample the replica had not replayed at its last poll: it keeps
   * growing between polls while the replica stays behind it. null before its first poll.
   */
  lagMs(r: Replica): number | null {
    if (r.replayLsn === null) return null;
    const behind = this.samples.find((s) => s.lsn > r.replayLsn!);
    return behind ? Math.round(performance.now() - behind.at) : 0;
  }

  /** Whether reads may go to it now: reachable and within REPLICA_MAX_LAG_MS. */
  takesReads(r: Replica): boolean {
    if (r.state === 'down' || r.replayLsn === null) return false;
    return this.lagMs(r)! <= this.opts.maxLagMs;
  }

  markDown(r: Replica, reason: string): void {
    if (r.state !== 'down') this.opts.log.warn({ replica: r.name, reason }, 'read replica down: its reads go to the primary');
    r.state = 'down';
    r.reason = reason;
  }

  /** The primary's current WAL write position: what a replica must have replayed to show every commit so far. */
  async primaryLsn(): Promise<Lsn> {
    const { rows } = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return parseLsn(rows[0].lsn)!;
  }

  /**
   * A replica for a request, round robin among those that are up, within REPLICA_MAX_LAG_MS, and
   * (with minLsn, a client's read-your-writes position) known to have replayed minLsn; null: the primary.
   */
  pick(minLsn: Lsn | null): Replica | null {
    const fit = this.replicas.filter((r) => this.takesReads(r) && (minLsn === null || r.replayLsn! >= minLsn));
    if (!fit.length) return null;
    this.next = (this.next + 1) % 1_000_000;
    return fit[this.next % fit.length];
  }

  /** The per-request route of a query's statements. */
  route(minLsn: Lsn | null): ReadRoute {
    return new ReadRoute(this, minLsn);
  }

  /** For /readyz and /metrics. */
  status(): ReplicaStatus[] {
    return this.replicas.map((r) => ({
      name: r.name,
      state: r.state,
      lagMs: r.state === 'down' ? null : this.lagMs(r),
      lagBytes: r.state === 'down' ? null : r.lagBytes,
      replayLsn: r.replayLsn === null ? null : formatLsn(r.replayLsn),
      ...(r.reason ? { reason: r.reason } : {}),
    }));
  }
}

/**
 * Where one request's read statements run: the replica picked at its first statement, for all of
 * them (one request never sees a newer state, then an older one), or the primary when none fits or
 * once that replica failed.
 */
export class ReadRoute {
  /** undefined: not picked yet; null: the primary. */
  private replica: Replica | null | undefined;

  constructor(
    private readonly replicas: Replicas,
    readonly minLsn: Lsn | null,
  ) {}

  private current(): Replica | null {
    if (this.replica === undefined) this.replica = this.replicas.pick(this.minLsn);
    return this.replica;
  }

  async query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>> {
    const r = this.current();
    if (!r) return this.replicas.primary.query<R>(config);
    try {
      const result = await r.pool.query<R>(config);
      r.statements += 1;
      return result;
    } catch (err) {
      const failure = replicaFailure(err);
      if (!failure) throw err;
      if (failure === 'unavailable') this.replicas.markDown(r, err instanceof Error ? err.message : String(err));
      r.fallbacks += 1;
      this.replica = null;
      return this.replicas.primary.query<R>(config);
    }
  }

  /**
   * For the result cache (src/cache): call it before computing an answer, and store the answer only
   * when the returned check says yes. The cache must never keep an answer older than the write that
   * last invalidated it: on a replica, the answer may be stored only if the replica had replayed,
   * before the computation began, the primary's WAL position read after the cache lookup (which
   * comes after every invalidation, itself after its COMMIT). One statement on the primary, run
   * alongside the computation; on the primary the answer is always current.
   */
  cacheCheck(): { statements: number; check: Promise<() => boolean> } {
    const r = this.current();
    if (!r) return { statements: 0, check: Promise.resolve(() => true) };
    const replayed = r.replayLsn;
    const check = this.replicas.primaryLsn().then(
      (lsn) => () => this.replica === null || (this.replica === r && replayed !== null && replayed >= lsn),
      () => () => false,
    );
    return { statements: 1, check };
  }
}

/**
 * The poller's connection to a replica: one, and every poll bounded by `timeoutMs` (connecting
 * included), so that a replica that hangs is marked down instead of holding up the next polls.
 */
function probePool(url: string, timeoutMs: number): Pool {
  const pool = new Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'creator-analytics-api replica poller',
    keepAlive: true,
  });
  // A cut connection is the next poll's failure (logged as the replica going down), never the process's.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Whether a replica's failure is one the primary can take over: 'unavailable' (connection refused,
 * lost or timed out: mark it down), 'busy' (no free connection in its pool within
 * DB_CONNECTION_TIMEOUT_MS) or 'conflict' (a hot standby cancelled the statement for a recovery
 * conflict, 40001/40P01); null: an error the primary would give as well.
 */
function replicaFailure(err: unknown): 'unavailable' | 'busy' | 'conflict' | null {
  const trouble = databaseTrouble(err);
  if (trouble === 'DATABASE_UNAVAILABLE') return 'unavailable';
  if (trouble === 'DATABASE_BUSY') return 'busy';
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '40001' || code === '40P01') return 'conflict';
  return null;
}
