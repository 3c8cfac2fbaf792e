/**
 * The ingest side of the incremental ConversionAgent (docs/agents.md "Automatic agents"): a CTE
 * that an ingest statement appends to itself, so that its rows, the users it touched and the job
 * commit together (one statement, one transaction: no lost trigger after a commit, no job for a
 * rolled-back write). It calls `conversion_trigger` (migrations/*-ConversionTriggerFunction.ts),
 * which, holding PENDING_LOCK shared:
 * - adds the users to `conversion_pending`, one row per statement with the users as one array
 *   (4,400 rows and index entries per 5,000-item batch cost ~15% of the ingest statement, one row
 *   costs nothing measurable);
 * - calls graphile-worker's add_job, with a fixed key in preserve_run_at mode, only when no waiting
 *   job (not running, attempts left) has that key. While a job waits (at most RECOMPUTE_DEBOUNCE_MS
 *   after its first trigger) every later trigger coalesces into it; a trigger that comes while it
 *   runs makes the next one. So there is at most one pending incremental job, plus a growing set of
 *   users.
 * Skipping add_job while a job waits takes the ingests off one hot row: add_job on every ingest
 * locked the job's row until the ingest's commit (and serialised the commits through its NOTIFY),
 * so ingests queued on that one row and the worker's get_job, which skips locked rows, could pass
 * over its job (BENCHMARKS.md "Automatic agents: freshness", branch `fresh`). It is safe because the claim
 * takes PENDING_LOCK exclusively (conversion.agent.ts): a claim waits for every ingest that holds
 * the lock, and an ingest's check runs on a snapshot taken after it got the lock, so it sees the
 * job of any claim before it as running, and adds the next job.
 */
import type { Config } from '../../config';

/** The task name of the incremental ConversionAgent job (src/agents/job-queue.ts runs it). */
export const INCREMENTAL_TASK = 'conversion_incremental';
/** Its job_key: every trigger names the same job. */
export const INCREMENTAL_JOB_KEY = 'conversion:incremental';

export interface RecomputeTrigger {
  debounceMs: number;
  maxAttempts: number;
}

/** The trigger the configuration asks for; null when AUTO_RECOMPUTE is off. */
export const recomputeTrigger = (
  config: Pick<Config, 'autoRecompute' | 'recomputeDebounceMs' | 'agentMaxAttempts'>,
): RecomputeTrigger | null =>
  config.autoRecompute ? { debounceMs: config.recomputeDebounceMs, maxAttempts: config.agentMaxAttempts } : null;

/**
 * The lock between ingest triggers (shared) and claims of pending users (exclusive): two-key
 * advisory lock, first key 'PEND'.
 */
export const PENDING_LOCK = [0x50454e44, 1] as const;

/**
 * The CTE `recompute_job`: `users` is a SELECT of user ids (one column, any name, at least one
 * row); `debounce` and `attempts` the placeholders ($n) of the trigger's debounceMs and
 * maxAttempts. The statement must read `recompute_job` (a plain CTE that is not read does not run).
 *
 * `users` should read the statement's own write (`SELECT user_id FROM inserted`, with RETURNING)
 * rather than its parameters: the trigger then runs after the write, so the lock it takes, and the
 * job row's lock when it calls add_job, are held from the end of the statement to its commit only.
 */
export function triggerCtes(users: string, debounce: string, attempts: string): string {
  return `recompute_job AS (
    SELECT conversion_trigger(array_agg(DISTINCT x.u), ${debounce}::int, ${attempts}::int, ${PENDING_LOCK[0]}, ${PENDING_LOCK[1]},
                              '${INCREMENTAL_TASK}', '${INCREMENTAL_JOB_KEY}') AS job_id
    FROM (${users}) AS x(u)
  )`;
}
