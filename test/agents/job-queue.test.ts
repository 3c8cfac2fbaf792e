/**
 * The automatic agents (docs/agents.md "Automatic agents") on a real PostgreSQL, through the real
 * server over HTTP: the ingest trigger in the write's own transaction, debounce coalescing, the
 * incremental ConversionAgent's invariant after a randomized ingest, enqueueAgentRun and its retries,
 * agentQueue, and the cache invalidated by a background run. The worker runs in a test server
 * (WORKER=on); with WORKER=off (the test default) jobs wait in the queue.
 */
import type { TestServer } from '../support/server';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';
import { expectIncrementalInvariant, resetTables, NO_SCHEDULES } from './helpers';

jest.setTimeout(180_000); // 1,000 requests and a randomized ingest on 2 shared cores

const { db, server, startServer } = useTestServer('job-queue'); // WORKER=off: jobs stay queued

const RECORD = 'mutation R($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';
const ENQUEUE =
  'mutation E($agent: AgentKind!, $input: JSON) { enqueueAgentRun(agent: $agent, input: $input) { id status agentName details } }';
const RUN = 'query Q($id: ID!) { agentRun(id: $id) { id status error details } }';

const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.pool.query(sql, params)).rows as T[];
const jobs = (task?: string) =>
  q<{ id: string; locked_at: Date | null; attempts: number; max_attempts: number }>(
    `SELECT id::text, locked_at, attempts, max_attempts FROM graphile_worker.jobs ${task ? 'WHERE task_identifier = $1' : ''} ORDER BY id`,
    task ? [task] : [],
  );
// Rows of either shape: a statement's users as one array, or one user per row (the previous release's).
const pendingUsers = async () =>
  (
    await q<{ n: number }>('SELECT count(DISTINCT u)::int AS n FROM conversion_pending p, unnest(coalesce(p.user_ids, ARRAY[p.user_id])) u')
  )[0].n;

async function users(n: number): Promise<number[]> {
  const rows = await q<{ id: number }>(
    `INSERT INTO community_users (handle, platform) SELECT 'u' || g || '-' || md5(random()::text), 'youtube' FROM generate_series(1, $1) g RETURNING id`,
    [n],
  );
  return rows.map((r) => r.id);
}

/** Empties the tables and the queue between tests (the file shares one database). */
async function reset(): Promise<void> {
  await resetTables(db.pool);
  await q('TRUNCATE conversion_pending');
  await q('DELETE FROM graphile_worker._private_jobs');
}

/** Waits until no job is left (none queued, none running, none waiting to retry) and nothing is pending. */
async function drained(timeoutMs = 60_000): Promise<void> {
  await until(
    'the queue to drain',
    async () => (await jobs()).every((j) => j.attempts >= j.max_attempts && !j.locked_at) && (await pendingUsers()) === 0,
    timeoutMs,
    100,
  );
}

/** A test server that runs a worker (schedules off), stopped when `fn` ends, also when it fails. */
async function withWorker(env: Record<string, string>, fn: (worker: TestServer) => Promise<void>): Promise<void> {
  const worker = await workerServer(env);
  try {
    await fn(worker);
  } finally {
    await worker.stop();
  }
}

async function workerServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startServer({
    WORKER: 'on',
    ...NO_SCHEDULES,
    RUN_SWEEP_INTERVAL_MS: '500',
    ...env,
  });
}

beforeEach(reset);

describe('the ingest trigger is part of the write', () => {
  test('recordInteractions and upsertCommunityUser add their users and one job in the same statement', async () => {
    const [a, b] = await users(2);
    const res = await server.gql(RECORD, {
      input: [
        { userId: String(a), type: 'LIKE' },
        { userId: String(b), type: 'VIEW' },
        { userId: String(a), type: 'SHARE' },
      ],
    });
    expect(ok(res).recordInteractions.inserted).toBe(3);
    expect(res.extensions!.queryStats.sqlQueries).toBe(1);
    const up = ok(await server.gql('mutation { upsertCommunityUser(input: { handle: "new-one", platform: TIKTOK }) { id } }'));
    expect((await q<{ u: number }>('SELECT DISTINCT unnest(user_ids) AS u FROM conversion_pending ORDER BY 1')).map((r) => r.u)).toEqual(
      [a, b, Number(up.upsertCommunityUser.id)].sort((x, y) => x - y),
    );
    const queued = await jobs('conversion_incremental');
    expect(queued).toHaveLength(1); // the second trigger coalesced into the first job
    expect(queued[0].locked_at).toBeNull();
  });

  test('an ingest while the job waits adds its users without touching the job; one while it runs adds the next job', async () => {
    const [a, b] = await users(2);
    const job = () =>
      q<{ id: string; revision: number; key: string | null; locked_at: Date | null }>(
        `SELECT id::text, revision, key, locked_at FROM graphile_worker._private_jobs ORDER BY id`,
      );
    ok(await server.gql(RECORD, { input: [{ userId: String(a), type: 'LIKE' }] }));
    const [first] = await job();
    ok(await server.gql(RECORD, { input: [{ userId: String(b), type: 'VIEW' }] }));
    // The waiting job was not updated (add_job not called: no revision), and it takes both users.
    expect(await job()).toEqual([first]);
    expect(first.revision).toBe(0);
    expect(await pendingUsers()).toBe(2);
    // The job running (as get_job marks it): the next ingest adds the next job under the key.
    await q(`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test', attempts = 1`);
    ok(await server.gql(RECORD, { input: [{ userId: String(a), type: 'SHARE' }] }));
    const [running, next] = await job();
    expect(running).toMatchObject({ id: first.id, key: null });
    expect(next).toMatchObject({ key: 'conversion:incremental', locked_at: null });
  });

  test("a claim holds the trigger's lock exclusively: an ingest waits for it, then commits", async () => {
    const [a] = await users(1);
    const holder = await db.pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${0x50454e44}, 1)`); // PENDING_LOCK, as conversionAgentIncremental's claim takes it
      const ingest = server.gql(RECORD, { input: [{ userId: String(a), type: 'LIKE' }] });
      await until(
        'the ingest to wait for the lock',
        async () =>
          (await q(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'advisory' AND query LIKE '%conversion_trigger%'`)).length === 1,
      );
      expect(await pendingUsers()).toBe(0);
      await holder.query(`SELECT pg_advisory_unlock(${0x50454e44}, 1)`);
      expect(ok(await ingest).recordInteractions.inserted).toBe(1);
      expect(await pendingUsers()).toBe(1);
    } finally {
      holder.release();
    }
  });

  test('a rolled-back write queues nothing: an operation whose second field fails, a batch with an unknown user', async () => {
    const [a] = await users(1);
    const res = await server.gql(
      `mutation M($good: [RecordInteractionInput!]!, $bad: [RecordInteractionInput!]!) {
         a: recordInteractions(input: $good) { inserted } b: recordInteractions(input: $bad) { inserted } }`,
      { good: [{ userId: String(a), type: 'LIKE' }], bad: [{ userId: '999999', type: 'LIKE' }] },
    );
    expect(res.extensions!.transaction).toBe('ROLLED_BACK');
    const single = await server.gql(RECORD, {
      input: [
        { userId: String(a), type: 'LIKE' },
        { userId: '999998', type: 'VIEW' },
      ],
    });
    expect(single.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(await pendingUsers()).toBe(0);
    expect(await jobs()).toEqual([]);
    expect((await q('SELECT count(*)::int AS n FROM user_interactions'))[0].n).toBe(0);
  });

  test('AUTO_RECOMPUTE=off: ingest enqueues nothing', async () => {
    const off = await startServer({ AUTO_RECOMPUTE: 'off' });
    const [a] = await users(1);
    ok(await off.gql(RECORD, { input: [{ userId: String(a), type: 'LIKE' }] }));
    expect(await pendingUsers()).toBe(0);
    expect(await jobs()).toEqual([]);
    await off.stop();
  });
});

test('1,000 small batches make a few incremental runs, and never more than one waiting job', async () => {
  const ids = await users(200);
  await withWorker({ RECOMPUTE_DEBOUNCE_MS: '250' }, async () => {
    let maxWaiting = 0;
    let sending = true;
    const watch = (async () => {
      while (sending) {
        const waiting = (await jobs('conversion_incremental')).filter((j) => !j.locked_at).length;
        maxWaiting = Math.max(maxWaiting, waiting);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let next = 0;
    const client = async () => {
      while (next < 1000) {
        const i = next++;
        ok(await server.gql(RECORD, { input: [{ userId: String(ids[i % ids.length]), type: 'VIEW' }] }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    sending = false;
    await watch;
    await drained();
    const runs = await q<{ status: string; users: number }>(
      `SELECT status, (details->'result'->>'users')::int AS users FROM agent_logs WHERE details->>'trigger' = 'incremental' ORDER BY id`,
    );
    expect(maxWaiting).toBe(1);
    expect(runs.every((r) => r.status === 'success')).toBe(true);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(100); // 1,000 triggers: a run per debounce period, not per batch
    const scored = await q<{ n: number }>('SELECT count(*)::int AS n FROM community_users WHERE score_updated_at IS NOT NULL');
    expect(scored[0].n).toBe(200);
  });
});

test('invariant after a randomized ingest: every scored user holds the formula at its own scoreUpdatedAt', async () => {
  const ids = await users(60);
  await withWorker({ RECOMPUTE_DEBOUNCE_MS: '50' }, async () => {
    const types = ['VIEW', 'LIKE', 'CLICK', 'COMMENT', 'FOLLOW', 'SHARE', 'SIGNUP', 'PURCHASE'];
    let seed = 12345;
    // Exact in 32-bit integers (a float product loses bits and cycles early: scripts/bench-freshness.ts).
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 2 ** 31;
    const now = Date.now();
    const batch = () =>
      Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => {
        const r = rnd();
        // now (no timestamp), backdated inside the 30-day window, or older than it
        const timestamp = r < 0.5 ? undefined : new Date(now - (r < 0.85 ? rnd() * 29 : 30 + rnd() * 10) * 86_400_000).toISOString();
        return {
          userId: String(ids[Math.floor(rnd() * ids.length)]),
          type: types[Math.floor(rnd() * types.length)],
          ...(timestamp ? { timestamp } : {}),
        };
      });
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; i < 40; i++) {
          ok(await server.gql(RECORD, { input: batch() }));
          if (i % 10 === c)
            ok(await server.gql(`mutation { upsertCommunityUser(input: { handle: "late-${c}-${i}", platform: X }) { id } }`));
        }
      }),
    );
    await drained();
    const all = await expectIncrementalInvariant(
      db.pool,
      `EXISTS (SELECT 1 FROM user_interactions i WHERE i.user_id = u.id) OR u.handle LIKE 'late-%'`,
    );
    expect(all).toBe(60 + 16);
  });
});

describe('enqueueAgentRun', () => {
  test('a bad input is BAD_USER_INPUT naming the field, and nothing is queued', async () => {
    const cases: [string, unknown, string][] = [
      ['CONVERSION', { windowDays: 0 }, 'input.windowDays'],
      ['CONVERSION', { windowDays: 'thirty' }, 'input.windowDays'],
      ['CONVERSION', { nope: 1 }, 'input'],
      ['STRATEGY_TUNING', { learningRate: 2 }, 'input.learningRate'],
      ['ANALYTICS', { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'input.until'],
      ['PERFORMANCE_ANALYTICS', 7, 'input'],
    ];
    for (const [agent, input, field] of cases) {
      const res = await server.gql(ENQUEUE, { agent, input });
      expect({ agent, input, code: res.errors?.[0].extensions?.code }).toEqual({ agent, input, code: 'BAD_USER_INPUT' });
      expect(res.errors![0].extensions!.fields.some((f: string) => f.startsWith(field))).toBe(true);
    }
    expect((await q('SELECT count(*)::int AS n FROM agent_logs'))[0].n).toBe(0);
    expect(await jobs()).toEqual([]);
  });

  test('returns a QUEUED run at once; a worker makes it RUNNING, then SUCCESS, on the same row', async () => {
    const queued = ok(await server.gql(ENQUEUE, { agent: 'ANALYTICS', input: { since: '2020-01-01T00:00:00Z' } })).enqueueAgentRun;
    expect(queued).toMatchObject({
      status: 'QUEUED',
      agentName: 'AnalyticsAgent',
      details: { input: { since: '2020-01-01T00:00:00.000Z' } },
    });
    expect(await jobs('agent_run_analytics')).toHaveLength(1);
    // The test holds the agent's lock (run-agent.ts), so the run stays RUNNING until it lets go.
    const holder = await db.pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${0x41474e54}, hashtext('AnalyticsAgent'))`);
      await withWorker({}, async () => {
        await until('the run to start', async () => ok(await server.gql(RUN, { id: queued.id })).agentRun.status === 'RUNNING');
        await holder.query(`SELECT pg_advisory_unlock(${0x41474e54}, hashtext('AnalyticsAgent'))`);
        await until('the run to succeed', async () => ok(await server.gql(RUN, { id: queued.id })).agentRun.status === 'SUCCESS');
        await drained();
      });
    } finally {
      holder.release();
    }
    const run = ok(await server.gql(RUN, { id: queued.id })).agentRun;
    expect(run.details).toMatchObject({ attempt: 1, trigger: 'enqueued', input: { since: '2020-01-01T00:00:00.000Z' } });
    expect(run.details.queuedAt).toBeDefined();
    expect((await q('SELECT count(*)::int AS n FROM agent_logs'))[0].n).toBe(1);
  });

  test('a failing run is retried with backoff up to AGENT_MAX_ATTEMPTS, each attempt a run row linked to the queued one', async () => {
    await withWorker({ AGENT_MAX_ATTEMPTS: '2', AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT: 'ConversionAgent' }, async (worker) => {
      // Enqueued where AGENT_MAX_ATTEMPTS=2: the job carries its attempts from the server that queued it.
      const queued = ok(await worker.gql(ENQUEUE, { agent: 'CONVERSION', input: { windowDays: 7 } })).enqueueAgentRun;
      await until(
        'two failed attempts',
        async () => (await q(`SELECT 1 FROM agent_logs WHERE status = 'failure'`)).length === 2,
        60_000,
        200,
      );
      await drained();
      const rows = await q<{ id: string; status: string; attempt: number; queued_run: string | null; error: string }>(
        `SELECT id::text, status, (details->>'attempt')::int AS attempt, details->>'queuedRunId' AS queued_run, error FROM agent_logs ORDER BY id`,
      );
      expect(rows.map((r) => [r.status, r.attempt])).toEqual([
        ['failure', 1],
        ['failure', 2],
      ]);
      expect(rows[0].id).toBe(queued.id);
      expect(rows[1].queued_run).toBe(queued.id);
      expect(rows[1].error).toContain('injected failure');
      expect((await jobs('agent_run_conversion'))[0]).toMatchObject({ attempts: 2, max_attempts: 2, locked_at: null }); // given up
    });
  });
});

test("the previous release's pending rows (one user_id each) are counted and taken with the new ones (user_ids)", async () => {
  const [a, b] = await users(2);
  await q('INSERT INTO conversion_pending (user_id) VALUES ($1)', [a]);
  ok(await server.gql(RECORD, { input: [{ userId: String(b), type: 'LIKE' }] }));
  expect(ok(await server.gql('{ agentQueue { pendingIncrementalUsers } }')).agentQueue.pendingIncrementalUsers).toBe(2);
  await withWorker({ RECOMPUTE_DEBOUNCE_MS: '0' }, () => drained());
  const scored = await q<{ id: number }>('SELECT id FROM community_users WHERE score_updated_at IS NOT NULL ORDER BY id');
  expect(scored.map((r) => r.id)).toEqual([a, b].sort((x, y) => x - y));
});

test('agentQueue: queued and running jobs per agent, the oldest one, the pending users (admin only)', async () => {
  const [a, b] = await users(2);
  ok(
    await server.gql(RECORD, {
      input: [
        { userId: String(a), type: 'LIKE' },
        { userId: String(b), type: 'LIKE' },
        { userId: String(a), type: 'VIEW' },
      ],
    }),
  );
  ok(await server.gql(ENQUEUE, { agent: 'ANALYTICS' }));
  ok(await server.gql(ENQUEUE, { agent: 'ANALYTICS', input: null }));
  ok(await server.gql(ENQUEUE, { agent: 'STRATEGY_TUNING', input: { learningRate: 0.5 } }));
  const res = ok(await server.gql('{ agentQueue { pendingIncrementalUsers agents { agentName queued running oldestJobAgeSeconds } } }'));
  const byName = Object.fromEntries(res.agentQueue.agents.map((e: any) => [e.agentName, e]));
  expect(res.agentQueue.agents.map((e: any) => e.agentName)).toEqual([
    'ConversionAgent',
    'PerformanceAnalyticsAgent',
    'StrategyTuningAgent',
    'AnalyticsAgent',
  ]);
  expect(res.agentQueue.pendingIncrementalUsers).toBe(2);
  expect(byName.ConversionAgent).toMatchObject({ queued: 1, running: 0 });
  expect(byName.AnalyticsAgent).toMatchObject({ queued: 2, running: 0 });
  expect(byName.StrategyTuningAgent).toMatchObject({ queued: 1, running: 0 });
  expect(byName.PerformanceAnalyticsAgent).toEqual({
    agentName: 'PerformanceAnalyticsAgent',
    queued: 0,
    running: 0,
    oldestJobAgeSeconds: null,
  });
  expect(byName.AnalyticsAgent.oldestJobAgeSeconds).toBeGreaterThanOrEqual(0);

  const keyed = await startServer({ API_KEYS: 'writer:w,admin:a' });
  const refused = await keyed.gql('{ agentQueue { pendingIncrementalUsers } }', undefined, { authorization: 'Bearer w' });
  expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  const refusedRun = await keyed.gql(ENQUEUE, { agent: 'ANALYTICS' }, { authorization: 'Bearer w' });
  expect(refusedRun.errors![0].extensions!.code).toBe('FORBIDDEN');
  await keyed.stop();
});

test('a background run invalidates the cached answers that read what it wrote (tierDistribution after an incremental run)', async () => {
  const [a] = await users(1);
  await withWorker({ RECOMPUTE_DEBOUNCE_MS: '0' }, async (worker) => {
    const tiers = async () =>
      Object.fromEntries(ok(await worker.gql('{ tierDistribution { tier users } }')).tierDistribution.map((t: any) => [t.tier, t.users]));
    expect(await tiers()).toMatchObject({ NEWCOMER: 1, CHAMPION: 0 });
    expect(await tiers()).toMatchObject({ NEWCOMER: 1, CHAMPION: 0 }); // now from the cache
    ok(await worker.gql(RECORD, { input: Array.from({ length: 10 }, () => ({ userId: String(a), type: 'PURCHASE' })) }));
    await until('the incremental run', async () => (await q(`SELECT 1 FROM community_users WHERE tier = 'champion'`)).length === 1);
    await drained();
    expect(await tiers()).toMatchObject({ NEWCOMER: 0, CHAMPION: 1 });
  });
});
