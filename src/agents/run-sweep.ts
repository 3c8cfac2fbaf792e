/**
 * The run sweep (docs/agents.md "Abandoned runs"): a `running` row of one of the four agents whose
 * owner backend (pid AND start time, recorded by run-agent.ts) is no longer in pg_stat_activity
 * becomes `failure`, with finished_at = now, no execution_time (the run never finished, so its
 * length is unknown) and error = ABANDONED. It runs at start-up and every RUN_SWEEP_INTERVAL_MS.
 *
 * A live run is never swept: its connection is its owner, and it holds that connection until its
 * row is final. A backend whose start time this role may not read (another role's, shown as null)
 * counts as alive: a run is left running rather than failed while it may still be working.
 */
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import { AGENT_NAMES, AGENT_RUN_COLUMNS } from '../modules/agent-run/agent-run.type';
import { ABANDONED, writeRunRows } from './run-agent';

export { ABANDONED };

/** One set-based UPDATE over idx_agent_logs_running (each marked run is published, run-agent.ts); returns the ids it marked. */
export async function sweepAbandonedRuns(db: Db): Promise<string[]> {
  const rows = await writeRunRows(
    db,
    `UPDATE agent_logs t SET status = 'failure', finished_at = clock_timestamp(), error = $2
      WHERE t.status = 'running' AND t.agent_name = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                         WHERE a.pid = t.owner_pid AND (a.backend_start = t.owner_backend_start OR a.backend_start IS NULL))
      RETURNING ${AGENT_RUN_COLUMNS}`,
    [AGENT_NAMES, ABANDONED],
  );
  return rows.map((r) => r.id);
}

export interface RunSweep {
  stop(): void;
}

/**
 * Sweeps once (awaited: a restarted server shows no stale run from its first request on), then
 * every `intervalMs` on an unref'd timer, one sweep at a time. A sweep that fails (the database is
 * away) is logged and tried again at the next tick.
 */
export async function startRunSweep(db: Db, intervalMs: number, log: Logger): Promise<RunSweep> {
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      const ids = await sweepAbandonedRuns(db);
      if (ids.length) log.warn({ runIds: ids }, `marked ${ids.length} abandoned agent run(s) failed`);
    } catch (err) {
      log.warn({ err }, 'the run sweep failed; it runs again in a moment');
    } finally {
      busy = false;
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
