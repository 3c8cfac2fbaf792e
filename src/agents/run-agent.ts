/**
 * The AgentRun lifecycle (docs/agents.md "Every run is an AgentRun"), the same for every agent, on
 * ONE pooled connection taken when the run's turn comes (Db.session):
 *
 * 1. `agent_logs` row `running` inserted and committed at once (autocommit), so it is visible while
 *    the agent works; its `started_at` is the run's start (the default `asOf`). The row names its
 *    owner: the connection's backend pid and start time. The run sweep (run-sweep.ts) marks a
 *    `running` row failed once that backend is gone: a process killed mid-run leaves no row running.
 * 2. The agent's domain statements in ONE transaction on that connection, which first
 *    - lifts the pool's 30 s read statement_timeout to AGENT_STATEMENT_TIMEOUT_MS (default 5 min,
 *      0 = none; SET LOCAL, so it ends with the transaction). It also bounds the wait for the lock
 *      below: a stuck run cannot make its successors queue forever;
 *    - sets work_mem (AGENT_WORK_MEM, default 64MB) so that the per-user hash aggregates and the
 *      percentile sorts stay in memory, and turns JIT off: the agents' statements are short
 *      scans over which JIT compilation costs more (~250 ms) than it saves;
 *    - checks every second that the client is still there (client_connection_check_interval): the
 *      backend of a killed process otherwise keeps its statement, and the lock, running to the end;
 *    - takes `pg_advisory_xact_lock(AGENT_LOCK_CLASS, hashtext(agent name))`: a second run of the same
 *      agent waits there, then runs on the first one's committed data; both succeed. The lock
 *      ends with the transaction, so a crashed connection cannot leave it held.
 *    Within one process, runs of an agent also queue in memory before taking a pooled connection,
 *    so that a burst of calls waits without holding connections that readers need; the advisory
 *    lock remains what serialises runs across processes.
 * 3. Still inside the transaction, the result is checked (checkResult) and the row becomes `success`
 *    with `finished_at` and `execution_time` from the database clock (`clock_timestamp() - started_at`):
 *    COMMIT makes the domain writes and the success visible together, or neither.
 * 4. On failure the transaction rolls back, the run's connection is closed (Db.session) and the row
 *    becomes `failure` with `error`, on a pooled connection, retried for a few seconds (recordFailure).
 *
 * A failure throws a GraphQL error carrying `extensions.runId`; a domain error keeps its code
 * (FAILED_PRECONDITION ...), anything else is INTERNAL_SERVER_ERROR, masked by format-error.ts
 * except for the runId. Inputs are validated by the caller BEFORE runAgent: a bad input records no run.
 *
 * Every change of a run row's status, here and elsewhere (the sweep, recordAgentRun), is written by
 * writeRunRows, which publishes it to agentRunUpdated in the same statement.
 */
import { GraphQLError } from 'graphql';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { CHANNELS, notifyJoin, rowPayload } from '../db/notify';
import type { Logger } from '../logger';
import { AgentName, AgentRun, AGENT_RUN_COLUMNS } from '../modules/agent-run/agent-run.type';

/** The error of a run the sweep marked failed (src/agents/run-sweep.ts). */
export const ABANDONED = 'abandoned: the process or connection that ran it is gone';

/**
 * THE way to write an agent_logs row's status (docs/api.md "Subscriptions"): `write` is an INSERT or
 * UPDATE of agent_logs (alias t) `RETURNING ${AGENT_RUN_COLUMNS}`. The same statement queues one
 * notification per returned row (src/db/notify.ts), so agentRunUpdated sees the change exactly when
 * it commits, on every server instance, and never when it rolls back. The payload is the row as
 * JSON (a few hundred bytes for this server's runs); a row too long for a notification (a huge
 * recordAgentRun error or details) is sent as its id and read back by the listening process.
 */
export function writeRunRows(db: Db, write: string, params: unknown[]): Promise<AgentRun[]> {
  const short = `jsonb_build_object('id', w.id, 'status', w.status, 'agentName', w."agentName", 'truncated', true)`;
  return db.query<AgentRun>(`WITH w AS (${write}) SELECT w.* FROM w ${notifyJoin(CHANNELS.agentRun, rowPayload('w', short))}`, params);
}

/** First key of the two-key advisory locks: keeps the agents' locks apart from anyone else's. */
export const AGENT_LOCK_CLASS = 0x41474e54; // 'AGNT'

export interface RunInfo {
  id: number;
  /** The run row's started_at (millisecond precision): the default asOf of an agent. */
  startedAt: Date;
}

/** What runAgent reads of the configuration, and where it logs a failure it could not record. */
export type AgentSettings = Pick<
  Config,
  'agentStatementTimeoutMs' | 'agentWorkMem' | 'agentFailAfterFirstStatement' | 'interactionsRetentionMonths'
> & { log: Logger };

export interface AgentOutcome<T> {
  result: T;
  run: AgentRun;
}

/**
 * A run that a job-queue worker runs (docs/agents.md "Automatic agents"): `attempt` is the job's
 * attempt (1 for the first); `queuedRunId` the `queued` row that enqueueAgentRun wrote, which the
 * first attempt takes over (queued -> running); a later attempt (after a failure, or after its
 * worker died) is a row of its own, linked to it by details.queuedRunId and details.attempt.
 */
export interface QueuedAttempt {
  attempt: number;
  queuedRunId?: string | null;
  /** How the run was started: `enqueued` (enqueueAgentRun), `schedule`, `incremental`. */
  trigger: string;
  /** A scheduled run's period (the cron time, ISO): a period's run that succeeded is not run again. */
  scheduledAt?: string;
}

/**
 * The `queued` row of an agent run that a job will run (enqueueAgentRun), written in the caller's
 * transaction together with the job: both are there, or neither.
 */
export async function queueRun(db: Db, name: AgentName, details: Record<string, unknown>): Promise<AgentRun> {
  const [row] = await writeRunRows(
    db,
    `INSERT INTO agent_logs AS t (agent_name, status, started_at, details)
     VALUES ($1, 'queued', now(), jsonb_build_object('input', $2::jsonb, 'trigger', 'enqueued'))
     RETURNING ${AGENT_RUN_COLUMNS}`,
    [name, JSON.stringify(details)],
  );
  return row!;
}

/**
 * A `queued` run whose job will not run it (its job was given up before an attempt started, or
 * deleted): marked failed with `error`. Returns whether a row changed.
 */
export async function failQueuedRun(db: Db, id: string, error: string): Promise<boolean> {
  const rows = await writeRunRows(
    db,
    `UPDATE agent_logs AS t SET status = 'failure', finished_at = clock_timestamp(), error = $2
     WHERE t.id = $1 AND t.status = 'queued' RETURNING ${AGENT_RUN_COLUMNS}`,
    [id, error],
  );
  return rows.length > 0;
}

/** The run row comes back finished: an answer that shows the run takes it from here. */
export async function runAgent<T>(
  db: Db,
  settings: AgentSettings,
  name: AgentName,
  details: Record<string, unknown>,
  work: (tx: Db, run: RunInfo) => Promise<T>,
  queued: QueuedAttempt | null = null,
): Promise<AgentOutcome<T>> {
  const started: { run?: RunInfo } = {};
  try {
    return await inTurn(name, () =>
      db.session(async (conn) => {
        const run = (started.run = await startRun(conn, name, details, queued));
        return conn.transaction(async (tx) => {
          await tx.query(
            `SELECT set_config('statement_timeout', $1, true), set_config('work_mem', $2, true), set_config('jit', 'off', true),
                    set_config('client_connection_check_interval', '1000', true)`,
            [String(settings.agentStatementTimeoutMs), settings.agentWorkMem],
          );
          await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AGENT_LOCK_CLASS, name]);
          const result = await work(settings.agentFailAfterFirstStatement === name ? failAfterFirstStatement(tx) : tx, run);
          checkResult(result);
          const finished = await finish(tx, run.id, 'success', null, summary(result));
          if (!finished) throw new Error('the run was marked abandoned while it worked; nothing was written');
          return { result, run: finished };
        });
      }),
    );
  } catch (err) {
    if (!started.run) throw err; // no row yet: nothing to record
    await recordFailure(db, settings.log, started.run.id, err instanceof Error ? err.message : String(err));
    throw withRunId(err, started.run.id);
  }
}

/**
 * The `running` row, owned by this connection's backend (pid and start time, which defeat pid reuse).
 * A queued run's first attempt takes its `queued` row over (that row, while it is still queued);
 * otherwise, and for later attempts, a new row, linked to the queued one. Both go through
 * writeRunRows, so the change is published.
 */
async function startRun(conn: Db, name: AgentName, details: Record<string, unknown>, queued: QueuedAttempt | null): Promise<RunInfo> {
  const meta = queued
    ? {
        trigger: queued.trigger,
        attempt: queued.attempt,
        ...(queued.queuedRunId ? { queuedRunId: queued.queuedRunId } : {}),
        ...(queued.scheduledAt ? { scheduledAt: queued.scheduledAt } : {}),
      }
    : {};
  const takeOver = queued?.queuedRunId && queued.attempt === 1 ? queued.queuedRunId : null;
  const [taken] = takeOver
    ? await writeRunRows(
        conn,
        `UPDATE agent_logs AS t SET status = 'running', started_at = now(), owner_pid = a.pid, owner_backend_start = a.backend_start,
                details = coalesce(t.details, '{}'::jsonb) || $3::jsonb || jsonb_build_object('queuedAt', t.started_at)
         FROM pg_stat_activity a WHERE a.pid = pg_backend_pid() AND t.id = $2::bigint AND t.status = 'queued' AND t.agent_name = $1
         RETURNING ${AGENT_RUN_COLUMNS}`,
        [name, takeOver, JSON.stringify(meta)],
      )
    : [];
  const [row] = taken
    ? [taken]
    : await writeRunRows(
        conn,
        `INSERT INTO agent_logs AS t (agent_name, status, started_at, details, owner_pid, owner_backend_start)
         SELECT $1, 'running', now(), jsonb_build_object('input', $2::jsonb) || $3::jsonb, a.pid, a.backend_start
         FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
         RETURNING ${AGENT_RUN_COLUMNS}`,
        [name, JSON.stringify(details), JSON.stringify(meta)],
      );
  return { id: Number(row.id), startedAt: row.startedAt };
}

/** Pauses between attempts to record a failure: about 3 s in all, then the sweep's turn. */
const FAILURE_RETRY_MS = [0, 100, 250, 500, 1000, 1500];

/**
 * The failure update must not be lost silently: the run's own connection may be what broke, so it
 * is written on a pooled one, retried with backoff. If it still cannot be written (the database is
 * away), it is logged, and the row stays `running` with an owner that is gone (the session closed
 * it): the run sweep marks it failed once the database answers again.
 */
async function recordFailure(db: Db, log: Logger, runId: number, error: string): Promise<void> {
  let last: unknown;
  for (const [attempt, pause] of FAILURE_RETRY_MS.entries()) {
    if (pause) await new Promise((r) => setTimeout(r, pause));
    try {
      await finish(db, runId, 'failure', error, null);
      if (attempt > 0) log.info({ runId, attempts: attempt + 1 }, 'agent run failure recorded after retries');
      return;
    } catch (err) {
      last = err;
    }
  }
  log.error({ runId, err: last }, 'could not record an agent run failure; the run sweep will mark it abandoned');
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled (an in-process FIFO). */
function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const turn = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const settled = turn.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return turn;
}

/**
 * Ends a `running` row. Only a running one: a failure whose COMMIT did happen (the connection broke
 * while it answered) must not overwrite the success that committed with the domain writes. A
 * failure may replace the sweep's `abandoned` mark (the sweep can come first once the run's
 * connection is closed): the run's own error says more.
 */
async function finish(db: Db, id: number, status: 'success' | 'failure', error: string | null, result: unknown): Promise<AgentRun | null> {
  const [row] = await writeRunRows(
    db,
    `UPDATE agent_logs t SET status = $2, finished_at = clock_timestamp(),
       execution_time = extract(epoch FROM clock_timestamp() - t.started_at)::float8 * 1000, error = $3,
       details = coalesce(t.details, '{}'::jsonb) || jsonb_build_object('result', $4::jsonb)
     WHERE t.id = $1 AND (t.status = 'running' OR ($2 = 'failure' AND t.status = 'failure' AND t.error = $5))
     RETURNING ${AGENT_RUN_COLUMNS}`,
    [id, status, error, JSON.stringify(result), ABANDONED],
  );
  return row ?? null;
}

/**
 * Every number of a result must serialize: finite (GraphQL Float) and within the safe integer range
 * (the Int and SafeInt figures are saturated in SQL, the floats bounded by the write limits,
 * docs/api.md "Writes"). Checked before COMMIT, so a result the client could not be given is
 * a failed run that wrote nothing, not a committed one reported as an error.
 */
function checkResult(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      throw new Error(`the agent's ${path} is ${value}, which the API cannot return; nothing was written`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkResult(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) checkResult(v, `${path}.${k}`);
  }
}

/** What the run row keeps of a result: its scalar fields (ids and counts), not whole lists. */
function summary(result: unknown): Record<string, unknown> | null {
  if (Array.isArray(result)) return { rows: result.length };
  if (!result || typeof result !== 'object') return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
    else if (v instanceof Date) out[k] = v.toISOString();
  }
  return out;
}

function withRunId(err: unknown, runId: number): GraphQLError {
  const id = String(runId);
  if (err instanceof GraphQLError) {
    return new GraphQLError(err.message, { originalError: err, extensions: { ...err.extensions, runId: id } });
  }
  const original = err instanceof Error ? err : new Error(String(err));
  return new GraphQLError(original.message, { originalError: original, extensions: { code: 'INTERNAL_SERVER_ERROR', runId: id } });
}

/** The test hook AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT: the second domain statement throws instead of running. */
function failAfterFirstStatement(tx: Db): Db {
  let statements = 0;
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return async (sql: string, params?: unknown[]) => {
        if (++statements > 1) throw new Error('injected failure after the first statement (AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT)');
        return target.query(sql, params);
      };
    },
  });
}
