/**
 * The ingest side of the incremental ConversionAgent (docs/agents.md "Automatic agents"): CTEs
 * that an ingest statement appends to itself, so that its rows, the users it touched and the job
 * commit together (one statement, one transaction: no lost trigger after a commit, no job for a
 * rolled-back write). The users go to `conversion_pending`, one row per statement with the users as
 * one array (4,400 rows and index entries per 5,000-item batch cost ~15% of the ingest statement,
 * one row costs nothing measurable); the job is graphile-worker's, added
 * with a fixed key in preserve_run_at mode: while it waits (at most RECOMPUTE_DEBOUNCE_MS after
 * its first trigger) every later trigger coalesces into it, and a trigger that comes while it runs
 * makes the next one. So there is at most one pending incremental job, plus a growing set of users.
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
 * Two CTEs, `pending` and `recompute_job`: `users` is a SELECT of user ids (one column, any name,
 * at least one row); `debounce` and `attempts` the placeholders ($n) of the trigger's debounceMs and
 * maxAttempts. The statement must read `recompute_job` (a plain CTE that is not read does not run).
 *
 * `users` should read the statement's own write (`SELECT user_id FROM inserted`, with RETURNING)
 * rather than its parameters: add_job updates the one waiting job's row, whose lock is then held
 * until commit, and PostgreSQL runs a data-modifying CTE that nothing reads only after the main
 * query. Read from the write, add_job runs last and concurrent ingests wait for each other's
 * commit only, not for each other's whole insert.
 */
export function triggerCtes(users: string, debounce: string, attempts: string): string {
  return `pending AS (
    INSERT INTO conversion_pending (user_ids) SELECT array_agg(DISTINCT x.u) FROM (${users}) AS x(u) RETURNING id
  ),
  recompute_job AS (
    SELECT (graphile_worker.add_job('${INCREMENTAL_TASK}', '{}'::json, NULL, now() + ${debounce}::int * interval '1 millisecond',
                                    ${attempts}::int, '${INCREMENTAL_JOB_KEY}', NULL, NULL, 'preserve_run_at')).id AS job_id
    FROM pending
  )`;
}
