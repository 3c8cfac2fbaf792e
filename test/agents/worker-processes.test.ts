/**
 * Worker processes (`npm run worker`, src/worker.ts) as real child processes on one database
 * (docs/agents.md "Automatic agents"): a schedule fires once per period, not once per process; a
 * worker killed with SIGKILL mid-job leaves no `running` row, and its job runs again in another
 * worker, once.
 */
import { ChildServer, spawnServer, WORKER_ENTRY } from '../support/child-server';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

jest.setTimeout(120_000);

const { db, server, cleanup } = useTestServer('worker-processes'); // WORKER=off: only the children work

const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.pool.query(sql, params)).rows as T[];
const AGENT_LOCK = 0x41474e54; // run-agent.ts AGENT_LOCK_CLASS

async function worker(env: Record<string, string> = {}): Promise<ChildServer> {
  const child = await spawnServer(
    {
      DATABASE_URL: db.url,
      SCHEDULE_CONVERSION: 'off',
      SCHEDULE_SNAPSHOT: 'off',
      SCHEDULE_ANALYTICS: 'off',
      SCHEDULE_PARTITIONS: 'off',
      RUN_SWEEP_INTERVAL_MS: '500',
      ...env,
    },
    90_000,
    WORKER_ENTRY,
  );
  cleanup(() => child.stop());
  return child;
}

test('two worker processes: an every-minute schedule fires once per period', async () => {
  // A worker ran this schedule an hour ago; each process, as it starts, adds the last minute's period
  // that it finds missed (SCHEDULE_BACKFILL_MINUTES: the same once-per-period insert as a timer's, at
  // once instead of on the next minute boundary).
  await q(
    `INSERT INTO graphile_worker._private_known_crontabs (identifier, known_since) VALUES ('schedule_analytics', now() - interval '1 hour')`,
  );
  const env = { SCHEDULE_ANALYTICS: '* * * * *', SCHEDULE_BACKFILL_MINUTES: '1' };
  const [a, b] = await Promise.all([worker(env), worker(env)]);
  const fired = (w: ChildServer) => w.lines.filter((l) => l.msg === 'schedule fired').map((l) => l.scheduledAt as string);
  // Both processes reached the same period (each runs the crontab; only one adds its job).
  let period = '';
  await until(
    'both processes to fire a period',
    () => {
      period = fired(a).find((t) => fired(b).includes(t)) ?? '';
      return period !== '';
    },
    30_000,
    100,
  );
  await until('the period to be worked', async () => {
    const left = await q(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'schedule_analytics' AND attempts < max_attempts`);
    const done = await q(`SELECT 1 FROM agent_logs WHERE status = 'success' AND details->>'scheduledAt' = $1`, [period]);
    return left.length === 0 && done.length > 0;
  });
  const runs = await q<{ status: string; trigger: string }>(
    `SELECT status, details->>'trigger' AS trigger FROM agent_logs WHERE agent_name = 'AnalyticsAgent' AND details->>'scheduledAt' = $1`,
    [period],
  );
  expect(runs).toEqual([{ status: 'success', trigger: 'schedule' }]);
  const [known] = await q<{ last: Date }>(
    `SELECT last_execution AS last FROM graphile_worker._private_known_crontabs WHERE identifier = 'schedule_analytics'`,
  );
  expect(known.last.getTime()).toBeGreaterThanOrEqual(Date.parse(period)); // the period was recorded as added
  await Promise.all([a.stop(), b.stop()]);
  expect((await a.exited).code).toBe(0); // a graceful stop on SIGTERM
});

test('kill -9 of a worker mid-job: no running row is left, the job runs again in another worker, once', async () => {
  await q('TRUNCATE agent_logs, performance_snapshots CASCADE');
  // The test holds the agent's lock: the first worker's run starts (RUNNING) and waits there.
  const holder = await db.pool.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [AGENT_LOCK, 'PerformanceAnalyticsAgent']);
    const first = await worker();
    const queued = ok(
      await server.gql('mutation { enqueueAgentRun(agent: PERFORMANCE_ANALYTICS, input: { windowDays: 7 }) { id status } }'),
    ).enqueueAgentRun;
    expect(queued.status).toBe('QUEUED');
    await until(
      'the run to start in the first worker',
      async () => (await q(`SELECT 1 FROM agent_logs WHERE status = 'running'`)).length === 1,
    );

    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await worker(); // the second worker: its run sweep marks the dead run, its recovery gives the job back
    await until('the dead run to be marked abandoned', async () => {
      const [row] = await q<{ status: string }>('SELECT status FROM agent_logs WHERE id = $1', [queued.id]);
      return row.status === 'failure';
    });
    await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [AGENT_LOCK, 'PerformanceAnalyticsAgent']);

    await until(
      'the job to run again and succeed',
      async () => (await q(`SELECT 1 FROM agent_logs WHERE status = 'success'`)).length === 1,
      60_000,
      200,
    );
    await until('the queue to be empty', async () => (await q('SELECT 1 FROM graphile_worker.jobs')).length === 0);
    const rows = await q<{ id: string; status: string; attempt: number; queued_run: string | null; error: string | null }>(
      `SELECT id::text, status, (details->>'attempt')::int AS attempt, details->>'queuedRunId' AS queued_run, error FROM agent_logs ORDER BY id`,
    );
    expect(rows.map((r) => [r.status, r.attempt])).toEqual([
      ['failure', 1],
      ['success', 2],
    ]);
    expect(rows[0]).toMatchObject({ id: queued.id, error: 'abandoned: the process or connection that ran it is gone' });
    expect(rows[1].queued_run).toBe(queued.id);
    expect((await q(`SELECT count(*)::int AS n FROM performance_snapshots`))[0].n).toBe(1); // one effect, not two
    expect(await q(`SELECT 1 FROM agent_logs WHERE status IN ('running', 'queued')`)).toEqual([]);
  } finally {
    holder.release();
  }
});
