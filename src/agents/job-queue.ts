/**
 * The automatic agents (docs/agents.md "Automatic agents"): the job queue's worker and what it
 * runs. The queue is graphile-worker's (schema graphile_worker, installed by src/db/job-queue.ts);
 * jobs are added in the transaction of the write that causes them:
 *
 * - `conversion_incremental`: added by recordInteractions and upsertCommunityUser in their own
 *   statement (src/db/sql/conversion-trigger.ts), debounced and coalesced under one job_key. It
 *   runs the ConversionAgent over the pending users only (conversion.agent.ts).
 * - `agent_run_<kind>`: added by enqueueAgentRun (agent-queue.ts) with a `queued` run row.
 * - `schedule_conversion`, `schedule_snapshot` (the snapshot, then the strategy tuning) and
 *   `schedule_analytics`: graphile-worker's crontab, from SCHEDULE_*; a period's job is added once
 *   by whichever process gets there first (its known_crontabs table).
 * - `maintain_partitions` (SCHEDULE_PARTITIONS): the monthly partitions of user_interactions
 *   created ahead, strays moved out of the default partition, expired ones dropped
 *   (src/db/partitions.ts); no agent run.
 * - Not jobs but timers of each worker process: the recovery sweep (below), and the vacuum check
 *   every VACUUM_CHECK_MS, which vacuums the partitions of user_interactions and
 *   community_users once ingest and the incremental runs churned them enough (src/db/vacuum.ts).
 *
 * Every job is one or more logged runs through runAgent, retried with graphile-worker's
 * exponential backoff up to AGENT_MAX_ATTEMPTS, and invalidates the result cache like the
 * mutation of the same agent (src/cache/dependencies.ts AGENT_WRITES): this process's cache here,
 * the memory caches of the servers when its run's row notifies them (src/live.ts). A job whose worker died is given
 * back by the recovery sweep below, so another worker runs it.
 */
import { Pool, PoolClient } from 'pg';
import type { JobHelpers, Logger as WorkerLogger, Runner, Task, TaskList } from 'graphile-worker';
import type { ResultCache } from '../cache/result-cache';
import { AGENT_WRITES } from '../cache/dependencies';
import type { Config } from '../config';
import { Db } from '../db/db';
import { maintainPartitions, Sql } from '../db/partitions';
import { vacuumDue } from '../db/vacuum';
import { INCREMENTAL_TASK } from '../db/sql/conversion-trigger';
import type { Logger } from '../logger';
import { AgentKind } from '../graphql/enums';
import type { AgentName } from '../modules/agent-run/agent-run.type';
import { AGENT_KINDS, AgentJobPayload, inputFromJson } from './agent-kinds';
import { conversionAgentIncremental, INCREMENTAL_WINDOW_DAYS, withPendingLocked } from './conversion.agent';
import { analyzeAgentPerformance, createPerformanceSnapshot, recomputeEngagementScores, tuneStrategy } from './agents.service';
import { AgentSettings, failQueuedRun, QueuedAttempt, runAgent } from './run-agent';

/** The task of an enqueueAgentRun job: one per agent, so that the queue tells them apart (agentQueue). */
export const agentRunTask = (kind: AgentKind): string => `agent_run_${kind.toLowerCase()}`;

/** The scheduled tasks: config.schedules key, task name, the agents each runs (in order). */
export const SCHEDULES = [
  { key: 'conversion', task: 'schedule_conversion', agents: ['ConversionAgent'] },
  { key: 'snapshot', task: 'schedule_snapshot', agents: ['PerformanceAnalyticsAgent', 'StrategyTuningAgent'] },
  { key: 'analytics', task: 'schedule_analytics', agents: ['AnalyticsAgent'] },
] as const satisfies readonly { key: keyof Config['schedules']; task: string; agents: readonly AgentName[] }[];

/** The partition maintenance's cron task (not an agent: no run row). */
export const PARTITIONS_TASK = 'maintain_partitions';

/**
 * How long one incremental job keeps starting runs while users are pending (its chain, above). The
 * recovery sweep does not mind (the job holds its lock while it chains); a bound lets the queue
 * turn over, so that the other tasks and a shutdown do not wait behind a chain under steady ingest.
 */
const INCREMENTAL_CHAIN_MS = 10_000;

/** Whether any user waits for an incremental run (the job's check before its first run and between chained runs). */
const ANY_PENDING_SQL = 'SELECT EXISTS (SELECT 1 FROM conversion_pending) AS any';

/** First key of the advisory locks that a job holds while it runs: the recovery sweep's sign of life. */
const JOB_LOCK_CLASS = 0x4a4f4253; // 'JOBS'
/** Second key: the job id modulo 2^31 (jobs 2^31 apart share a key, which only delays a recovery). */
const jobLockKey = (id: string): number => Number(BigInt(id) % 2147483648n);
/** A job is looked at by the recovery sweep only once locked this long: its task takes its lock in between. */
const MIN_RECOVERY_AGE_MS = 5000;

export interface WorkerDeps {
  config: Config;
  log: Logger;
  url: string;
  resultCache: ResultCache;
}

export interface JobWorker {
  /** Graceful: no new job; running ones may finish within SHUTDOWN_TIMEOUT_MS, then are left to roll back. */
  stop(): Promise<void>;
}

export async function startJobWorker({ config, log, url, resultCache }: WorkerDeps): Promise<JobWorker> {
  // graphile-worker (and its config loader) loaded by the processes that run a worker only (docs/architecture.md "Start-up cost").
  const { Logger: WorkerLogger, parseCronItems, run } = await import('graphile-worker');
  // Its own pool: a job holds two connections (its run's session and its sign of life), and the
  // worker one more to LISTEN; none of them is taken from the requests' pool.
  const pool = new Pool({
    connectionString: url,
    max: config.workerConcurrency * 2 + 2,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    application_name: 'creator-analytics-worker',
  });
  pool.on('error', (err) => log.warn({ err }, 'job queue: an idle connection failed'));
  const db = new Db(pool);
  const settings: AgentSettings = { ...config, log };
  /** Set by stop(): a chain of incremental runs ends after its current run. */
  let stopping: Promise<void> | null = null;

  const invalidate = async (agents: readonly AgentName[]) => {
    try {
      await resultCache.invalidate([...new Set(agents.flatMap((a) => AGENT_WRITES[a]))]);
    } catch (err) {
      log.warn({ err }, 'job queue: cache invalidation failed (answers expire with CACHE_TTL_SECONDS)');
    }
  };

  /**
   * Runs `fn` while a session advisory lock on the job's id is held on a connection of its own:
   * while the lock is there the job's worker is alive; once its process dies the lock goes with its
   * connection, and the recovery sweep gives the job back.
   */
  const alive = async (helpers: JobHelpers, fn: () => Promise<void>) => {
    const client: PoolClient = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [JOB_LOCK_CLASS, jobLockKey(helpers.job.id)]);
      await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [JOB_LOCK_CLASS, jobLockKey(helpers.job.id)]).catch((err: Error) => {
        broken = err;
      });
      client.release(broken);
    }
  };

  const attempt = (helpers: JobHelpers, trigger: string, extra: Partial<QueuedAttempt> = {}): QueuedAttempt => ({
    attempt: helpers.job.attempts,
    trigger,
    ...extra,
  });

  const tasks: TaskList = {
    [INCREMENTAL_TASK]: async (_payload, helpers) =>
      alive(helpers, async () => {
        // Under PENDING_LOCK: an ingest that saw this job waiting, and so added no job, has committed.
        const pending = await db.session((conn) => withPendingLocked(conn, () => conn.one<{ any: boolean }>(ANY_PENDING_SQL)));
        if (!pending?.any) return; // taken by a run that started before this job
        // Chained runs: while users are pending when a run commits, the next run starts at once
        // (they came during the run, whose job was not waiting, so their trigger also added the
        // next job: it finds them taken, or takes what comes after this chain ends). Under load
        // the runs follow each other without the debounce and the worker's poll of a new job
        // (BENCHMARKS.md "Automatic agents: freshness", branch fresh3); bounded by
        // INCREMENTAL_CHAIN_MS, and by a stop, so the job ends and the next one takes over.
        const until = Date.now() + INCREMENTAL_CHAIN_MS;
        do {
          await runAgent(
            db,
            settings,
            'ConversionAgent',
            { mode: 'incremental', windowDays: INCREMENTAL_WINDOW_DAYS, halfLifeDays: null },
            (tx) => conversionAgentIncremental(tx),
            attempt(helpers, 'incremental'),
          );
          await invalidate(['ConversionAgent']);
        } while (!stopping && Date.now() < until && (await db.one<{ any: boolean }>(ANY_PENDING_SQL))?.any);
      }),
  };
  for (const kind of Object.values(AgentKind)) {
    tasks[agentRunTask(kind)] = async (raw, helpers) =>
      alive(helpers, async () => {
        const payload = raw as AgentJobPayload;
        const queued = attempt(helpers, 'enqueued', { queuedRunId: payload.runId });
        try {
          await AGENT_KINDS[kind].run(db, settings, inputFromJson(kind, payload.input), queued);
        } finally {
          await invalidate([AGENT_KINDS[kind].name]);
        }
      });
  }

  const scheduled = async (agent: AgentName, scheduledAt: string, helpers: JobHelpers) => {
    // A period whose run of this agent succeeded (an earlier attempt) is not run again.
    const done = await db.one(
      `SELECT 1 FROM agent_logs WHERE agent_name = $1 AND status = 'success' AND details->>'scheduledAt' = $2 LIMIT 1`,
      [agent, scheduledAt],
    );
    if (done) return;
    const queued = attempt(helpers, 'schedule', { scheduledAt });
    try {
      if (agent === 'ConversionAgent') await recomputeEngagementScores(db, settings, null, queued);
      else if (agent === 'PerformanceAnalyticsAgent') await createPerformanceSnapshot(db, settings, null, queued);
      else if (agent === 'StrategyTuningAgent') await tuneStrategy(db, settings, null, queued);
      else await analyzeAgentPerformance(db, settings, null, queued);
    } finally {
      await invalidate([agent]);
    }
  };
  for (const s of SCHEDULES) {
    const task: Task = async (payload, helpers) =>
      alive(helpers, async () => {
        const ts = (payload as { _cron?: { ts?: string } })._cron?.ts ?? new Date().toISOString();
        for (const agent of s.agents) await scheduled(agent, ts, helpers);
      });
    tasks[s.task] = task;
  }

  /** `fn` with a statement runner on one connection of the worker's pool (src/db/partitions.ts's Sql). */
  const onConnection = async <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(async (text, params) => (await client.query(text, params)).rows);
    } finally {
      client.release();
    }
  };

  tasks[PARTITIONS_TASK] = async () => {
    const report = await onConnection((sql) => maintainPartitions(sql, { retentionMonths: config.interactionsRetentionMonths }));
    if (report.created.length || report.dropped.length) log.info(report, 'partitions of user_interactions maintained');
    if (report.dropped.length) await resultCache.invalidate(['user_interactions']).catch(() => undefined);
  };

  const cron = [
    ...SCHEDULES.map((s) => ({ task: s.task, match: config.schedules[s.key] })),
    { task: PARTITIONS_TASK, match: config.schedules.partitions },
  ];
  const cronItems = parseCronItems(
    cron
      .filter((c) => c.match)
      .map((c) => ({
        task: c.task,
        identifier: c.task,
        match: c.match!,
        options: {
          backfillPeriod: config.scheduleBackfillMinutes * 60_000,
          maxAttempts: config.agentMaxAttempts,
          jobKey: c.task,
          jobKeyMode: 'replace' as const,
        },
      })),
  );

  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: config.workerConcurrency,
      pollInterval: config.workerPollIntervalMs,
      noHandleSignals: true,
      taskList: tasks,
      parsedCronItems: cronItems,
      logger: workerLogger(WorkerLogger, log),
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  runner.events.on('cron:scheduled', ({ timestamp, jobsAndIdentifiers }) =>
    log.info({ scheduledAt: new Date(timestamp).toISOString(), tasks: jobsAndIdentifiers.map((j) => j.job.task) }, 'schedule fired'),
  );
  // A missed period run at start-up (SCHEDULE_BACKFILL_MINUTES), added once as a fired one is.
  runner.events.on('cron:backfill', ({ timestamp, itemsToBackfill }) =>
    log.info(
      { scheduledAt: new Date(timestamp).toISOString(), tasks: itemsToBackfill.map((j) => j.job.task), backfilled: true },
      'schedule fired',
    ),
  );
  runner.events.on('job:failed', ({ job, error }) => {
    log.warn({ jobId: job.id, task: job.task_identifier, attempts: job.attempts, err: error }, 'job queue: a job failed for good');
    const runId = job.task_identifier.startsWith('agent_run_') ? (job.payload as AgentJobPayload).runId : null;
    if (runId) void failQueuedRun(db, runId, `gave up after ${job.attempts} attempt(s): ${String(error)}`).catch(() => undefined);
  });

  const timers = [
    every(
      config.runSweepIntervalMs,
      'the recovery sweep',
      async () => {
        const workers = await recoverDeadJobs(db, Math.max(config.runSweepIntervalMs, MIN_RECOVERY_AGE_MS));
        if (workers.length) log.warn({ workers }, 'job queue: gave back the jobs of workers that are gone');
      },
      log,
    ),
  ];
  const thresholds = { interactionsRows: config.interactionsVacuumRows, usersDeadRows: config.usersVacuumRows };
  if (thresholds.interactionsRows > 0 || thresholds.usersDeadRows > 0) {
    const vacuumed = async () => {
      const done = await onConnection((sql) => vacuumDue(sql, thresholds));
      if (done.length) log.info({ tables: done }, 'job queue: vacuumed what ingest and the incremental runs churned');
    };
    timers.push(every(config.vacuumCheckMs, 'the vacuum check', vacuumed, log));
  }

  log.info({ concurrency: config.workerConcurrency, schedules: config.schedules }, 'job queue worker started');

  return {
    stop: () =>
      (stopping ??= (async () => {
        for (const t of timers) clearInterval(t);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs)));
        const result = await Promise.race([runner.stop().then(() => 'stopped' as const), timedOut]);
        clearTimeout(timer);
        if (result === 'timeout') {
          log.warn({}, `jobs still running after ${config.shutdownTimeoutMs} ms: leaving them (they roll back and run again elsewhere)`);
        }
        await pool.end().catch(() => undefined);
      })()),
  };
}

/**
 * Jobs whose worker is gone: graphile-worker itself unlocks a job locked for 4 hours. Sooner, every
 * `intervalMs`, a job locked for longer than that whose advisory lock (taken by `alive` above) no
 * session holds any more is given back through graphile-worker's force_unlock_workers: its worker
 * died, its run's transaction rolled back with its connection, and another worker runs it again.
 */
export async function recoverDeadJobs(db: Db, minLockedMs: number): Promise<string[]> {
  const rows = await db.query<{ worker: string }>(
    `SELECT DISTINCT j.locked_by AS worker
       FROM graphile_worker._private_jobs j
      WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - $2::int * interval '1 millisecond'
        AND NOT EXISTS (SELECT 1 FROM pg_locks l
                         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = (j.id % 2147483648)::oid
                           AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
    [JOB_LOCK_CLASS, minLockedMs],
  );
  const workers = rows.map((r) => r.worker);
  if (workers.length) await db.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [workers]);
  return workers;
}

/**
 * Runs `fn` every `intervalMs` in the background, one call at a time (a call still running when
 * the next is due makes it skip); a failure is logged as `what` failed and the next period tries again.
 */
function every(intervalMs: number, what: string, fn: () => Promise<void>, log: Logger): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    fn()
      .catch((err) => log.warn({ err }, `job queue: ${what} failed; it runs again in a moment`))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return timer;
}

/** graphile-worker's log lines into ours: warnings and errors (its debug and info lines are dropped). */
function workerLogger(LoggerClass: typeof WorkerLogger, log: Logger): WorkerLogger {
  return new LoggerClass(() => (level, message, meta) => {
    if (level === 'error') log.error({ ...meta }, `job queue: ${message}`);
    else if (level === 'warning') log.warn({ ...meta }, `job queue: ${message}`);
  });
}
