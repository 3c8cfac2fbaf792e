/**
 * The AgentRun lifecycle (agents.md "Every run is an AgentRun"), the same for every agent:
 *
 * 1. `agent_logs` row `running` inserted and committed at once (autocommit), so it is visible while
 *    the agent works; its `started_at` is the run's start (the default `asOf`).
 * 2. The agent's domain statements in ONE transaction, which first
 *    - lifts the pool's 30 s read statement_timeout to AGENT_STATEMENT_TIMEOUT_MS (default 5 min,
 *      0 = none; SET LOCAL, so it ends with the transaction). It also bounds the wait for the lock
 *      below: a stuck run cannot make its successors queue forever;
 *    - sets work_mem (AGENT_WORK_MEM, default 64MB) so that the per-user hash aggregates and the
 *      percentile sorts stay in memory, and turns JIT off: the agents' statements are short
 *      scans over which JIT compilation costs more (~250 ms) than it saves;
 *    - takes `pg_advisory_xact_lock(AGENT_LOCK_CLASS, hashtext(agent name))`: a second run of the same
 *      agent waits there, then runs on the first one's committed data; both succeed. The lock
 *      ends with the transaction, so a crashed connection cannot leave it held.
 *    Within one process, runs of an agent also queue in memory before taking a pooled connection,
 *    so that a burst of calls waits without holding connections that readers need; the advisory
 *    lock remains what serialises runs across processes.
 * 3. After COMMIT (or ROLLBACK) the row becomes `success` / `failure` with `finished_at` and
 *    `execution_time`, both from the database clock (`clock_timestamp() - started_at`), and `error`.
 *
 * A failure throws a GraphQL error carrying `extensions.runId`; a domain error keeps its code
 * (FAILED_PRECONDITION ...), anything else is INTERNAL_SERVER_ERROR, masked by format-error.ts
 * except for the runId. Inputs are validated by the caller BEFORE runAgent: a bad input records no run.
 */
import { GraphQLError } from 'graphql';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { AgentRun, AGENT_RUN_COLUMNS } from '../modules/agent-run/agent-run.type';

export type AgentName = 'ConversionAgent' | 'PerformanceAnalyticsAgent' | 'StrategyTuningAgent' | 'AnalyticsAgent';

/** First key of the two-key advisory locks: keeps the agents' locks apart from anyone else's. */
export const AGENT_LOCK_CLASS = 0x41474e54; // 'AGNT'

export interface RunInfo {
  id: number;
  /** The run row's started_at (millisecond precision): the default asOf of an agent. */
  startedAt: Date;
}

/** What runAgent reads of the configuration. */
export type AgentSettings = Pick<Config, 'agentStatementTimeoutMs' | 'agentWorkMem' | 'agentFailAfterFirstStatement'>;

export interface AgentOutcome<T> {
  result: T;
  run: AgentRun;
}

/** The run row comes back finished: an answer that shows the run takes it from here. */
export async function runAgent<T>(
  db: Db,
  config: AgentSettings,
  name: AgentName,
  details: Record<string, unknown>,
  work: (tx: Db, run: RunInfo) => Promise<T>,
): Promise<AgentOutcome<T>> {
  const started = await db.one<{ id: number; started_at: Date }>(
    `INSERT INTO agent_logs (agent_name, status, started_at, details) VALUES ($1, 'running', now(), $2) RETURNING id, started_at`,
    [name, JSON.stringify({ input: details })],
  );
  const run: RunInfo = { id: Number(started!.id), startedAt: started!.started_at };
  let result: T;
  try {
    result = await inTurn(name, () => db.transaction(async (tx) => {
      await tx.query(
        `SELECT set_config('statement_timeout', $1, true), set_config('work_mem', $2, true), set_config('jit', 'off', true)`,
        [String(config.agentStatementTimeoutMs), config.agentWorkMem],
      );
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AGENT_LOCK_CLASS, name]);
      return work(config.agentFailAfterFirstStatement === name ? failAfterFirstStatement(tx) : tx, run);
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finish(db, run.id, 'failure', message, null).catch(() => null);
    throw withRunId(err, run.id);
  }
  const finished = await finish(db, run.id, 'success', null, summary(result));
  return { result, run: finished };
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled (an in-process FIFO). */
function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const turn = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const settled = turn.then(() => undefined, () => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return turn;
}

async function finish(db: Db, id: number, status: 'success' | 'failure', error: string | null, result: unknown): Promise<AgentRun> {
  const row = await db.one<AgentRun>(
    `UPDATE agent_logs t SET status = $2, finished_at = clock_timestamp(),
       execution_time = extract(epoch FROM clock_timestamp() - t.started_at)::float8 * 1000, error = $3,
       details = coalesce(t.details, '{}'::jsonb) || jsonb_build_object('result', $4::jsonb)
     WHERE t.id = $1 RETURNING ${AGENT_RUN_COLUMNS}`,
    [id, status, error, JSON.stringify(result)],
  );
  return row!;
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
