/**
 * Worker processes (`npm run worker`, src/worker.ts) as real child processes on one database
 * (docs/agents.md "Automatic agents"): a schedule fires once per period, not once per process; a
 * worker killed with SIGKILL mid-job (a queued run; an incremental ConversionAgent run that has
 * claimed its users and written some of them) leaves no `running` row, and its job runs again in
 * another worker, once.
 */
import { ChildServer, spawnServer, WORKER_ENTRY } from '../support/child-server';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';
import { expectIncrementalInvariant, NO_SCHEDULES } from './helpers';

jest.setTimeout(120_000);

const { db, server, cleanup } = useTestServer('worker-processes'); // WORKER=off: only the children work

const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.pool.query(sql, params)).rows as T[];
const AGENT_LOCK = 0x41474e54; // run-agent.ts AGENT_LOCK_CLASS
const RECORD = 'mutation R($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

async function worker(env: Record<string, string> = {}): Promise<ChildServer> {
  const child = await spawnServer(
    {
      DATABASE_URL: db.url,
      ...NO_SCHEDULES,
      RUN_SWEEP_INTERVAL_MS: '500',
      ...env,
    },
    90_000,
    WORKER_ENTRY,
  );
  cleanup(() => child.stop());
  started.push(child);
  return child;
}

// Each test's workers stop with it: a worker left from the test before could take the next test's job.
const started: ChildServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.stop()));
});

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

test('kill -9 of a worker mid incremental ConversionAgent run: the job runs again elsewhere, its users scored once, the invariant holds', async () => {
  await q('TRUNCATE agent_logs, community_users, user_interactions, conversion_pending RESTART IDENTITY CASCADE');
  await q('DELETE FROM graphile_worker._private_jobs');
  const ids = (
    await q<{ id: number }>(
      `INSERT INTO community_users (handle, platform) SELECT 'k' || g, 'youtube' FROM generate_series(1, 30) g RETURNING id`,
    )
  ).map((r) => r.id);
  const day = 86_400_000;
  const types = ['VIEW', 'LIKE', 'SHARE', 'PURCHASE'];
  // Inside the 30-day window (now, backdated) and before it: every user gets several.
  const input = ids.flatMap((id, k) =>
    [0, 3, 12, 29.5, 45].map((days, j) => ({
      userId: String(id),
      type: types[(k + j) % 4],
      timestamp: new Date(Date.now() - days * day).toISOString(),
    })),
  );

  // The test holds the last user's row (FOR NO KEY UPDATE: the ingest's foreign key check still
  // passes): the run claims every pending user, updates the rows it reaches and then waits on that
  // row, uncommitted, until the test sees it blocked (pg_blocking_pids).
  const holder = await db.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM community_users WHERE id = $1 FOR NO KEY UPDATE', [ids[ids.length - 1]]);
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const first = await worker();
    expect(ok(await server.gql(RECORD, { input })).recordInteractions.inserted).toBe(input.length);
    await until('the incremental run to wait on the held row, its users claimed', async () => {
      // the run's statement (pg_stat_activity keeps only the start of its text), blocked by the holder
      const blocked = await q(
        `SELECT 1 FROM pg_stat_activity
          WHERE application_name = 'creator-analytics-worker' AND $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%WITH scored AS%'`,
        [holderPid],
      );
      const running = await q(`SELECT 1 FROM agent_logs WHERE status = 'running' AND details->>'trigger' = 'incremental'`);
      return blocked.length === 1 && running.length === 1;
    });

    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await worker(); // its run sweep marks the dead run, its recovery sweep gives the job back
    await until(
      'the dead run to be marked abandoned',
      async () => (await q(`SELECT 1 FROM agent_logs WHERE status = 'failure'`)).length === 1,
    );
    await holder.query('ROLLBACK');

    await until(
      'the queue to be empty',
      async () => {
        const jobs = await q('SELECT 1 FROM graphile_worker.jobs');
        const pending = await q('SELECT 1 FROM conversion_pending');
        const success = await q(`SELECT 1 FROM agent_logs WHERE status = 'success'`);
        return jobs.length === 0 && pending.length === 0 && success.length === 1;
      },
      60_000,
      200,
    );
    const runs = await q<{
      status: string;
      attempt: number;
      trigger: string;
      users: number | null;
      asOf: string | null;
      error: string | null;
    }>(
      `SELECT status, (details->>'attempt')::int AS attempt, details->>'trigger' AS trigger, (details->'result'->>'users')::int AS users,
              details->'result'->>'asOf' AS "asOf", error
         FROM agent_logs ORDER BY id`,
    );
    expect(runs.map((r) => [r.status, r.attempt, r.trigger, r.users])).toEqual([
      ['failure', 1, 'incremental', null],
      ['success', 2, 'incremental', ids.length], // every user claimed again: the dead run's claim rolled back
    ]);
    expect(runs[0].error).toBe('abandoned: the process or connection that ran it is gone');
    expect(await q(`SELECT 1 FROM agent_logs WHERE status IN ('running', 'queued')`)).toEqual([]);
    // One effect: every user written by the second run only (its asOf), and the formula holds there.
    const stamps = await q<{ at: Date | null; n: number }>(
      'SELECT score_updated_at AS at, count(*)::int AS n FROM community_users GROUP BY 1',
    );
    expect(stamps).toEqual([{ at: new Date(runs[1].asOf!), n: ids.length }]);
    await expectIncrementalInvariant(db.pool, 'true');
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }
});

test('a run committed by a worker process invalidates the in-memory cached answers of a server process', async () => {
  await q('TRUNCATE agent_logs, community_users, user_interactions, conversion_pending RESTART IDENTITY CASCADE');
  await q('DELETE FROM graphile_worker._private_jobs');
  const [{ id }] = await q<{ id: number }>(`INSERT INTO community_users (handle, platform) VALUES ('cached', 'youtube') RETURNING id`);
  await worker(); // the only worker: the server (this test's, WORKER=off, memory cache, CACHE_TTL_SECONDS 60) runs none
  const TIERS = '{ tierDistribution { tier users } }';
  const tiers = async (): Promise<Record<string, number>> => {
    const res = await server.gql(TIERS);
    return {
      hits: res.extensions!.queryStats.cacheHits as number,
      ...(Object.fromEntries(ok(res).tierDistribution.map((t: any) => [t.tier, t.users])) as Record<string, number>),
    };
  };
  expect(await tiers()).toMatchObject({ hits: 0, NEWCOMER: 1, CHAMPION: 0 });
  expect(await tiers()).toMatchObject({ hits: 1, NEWCOMER: 1, CHAMPION: 0 }); // from the server's cache
  ok(await server.gql(RECORD, { input: Array.from({ length: 10 }, () => ({ userId: String(id), type: 'PURCHASE' })) }));
  await until(
    'the worker process to commit the incremental run',
    async () => (await q(`SELECT 1 FROM agent_logs WHERE status = 'success'`)).length === 1,
  );
  // The run's notification reaches the server within moments, far inside the cache's 60 s. The
  // worker's own cache also announces the invalidation (src/cache/announce.ts), a moment after the
  // run's notification, so an answer cached between the two is dropped once more: wait for the
  // new answer to be served from the cache, whichever of the two arrived last.
  await until('the server to answer the new distribution', async () => (await tiers()).CHAMPION === 1, 5000);
  await until(
    'the new distribution to be served from the cache',
    async () => {
      const now = await tiers();
      expect(now).toMatchObject({ NEWCOMER: 0, CHAMPION: 1 }); // never the old answer again
      return now.hits === 1;
    },
    5000,
  );
});
