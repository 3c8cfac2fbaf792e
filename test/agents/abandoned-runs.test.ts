/**
 * No run stays `running` forever: a run whose process is killed (kill -9) or whose connection is cut
 * while its failure cannot be written is marked failed by the run sweep (at start-up, and every
 * RUN_SWEEP_INTERVAL_MS); a live run is never swept; writers cannot record a running run of the
 * server's own agents.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { AGENT_LOCK_CLASS } from '../../src/agents/run-agent';
import { ABANDONED, sweepAbandonedRuns } from '../../src/agents/run-sweep';
import { Db } from '../../src/db/db';
import { ChildServer, spawnServer } from '../support/child-server';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';
import { runRows } from './helpers';

const RECOMPUTE = 'mutation { recomputeEngagementScores(input: { windowDays: 30 }) { usersScored } }';

const { db, startServer, cleanup } = useTestServer('abandoned_runs', null);
let holder: Client;
/** Each test's servers, stopped after it: a server's sweep must not act in the next test. */
let servers: ChildServer[] = [];

beforeAll(async () => {
  db.pool.on('error', () => undefined); // its idle connections are cut too
  holder = new Client({ connectionString: db.url });
  await holder.connect();
});
cleanup(() => holder?.end());
beforeEach(() => db.pool.query('TRUNCATE agent_logs CASCADE'));
afterEach(async () => {
  await holder.query('SELECT pg_advisory_unlock_all()');
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function spawn(env: Record<string, string> = {}): Promise<ChildServer> {
  const server = await spawnServer({ DATABASE_URL: db.url, ...env });
  servers.push(server);
  return server;
}

const statuses = async () => (await holder.query('SELECT status FROM agent_logs ORDER BY id')).rows.map((r) => r.status);

function post(server: ChildServer, query: string): Promise<{ data?: any; errors?: any[] }> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(30_000),
  }).then((r) => r.json() as Promise<{ data?: any; errors?: any[] }>);
}

/** The test holds the ConversionAgent's lock: a run started now waits on it, its row `running`. */
async function runWaitingOnLock(server: ChildServer): Promise<{ id: string; ownerPid: number; pending: Promise<unknown> }> {
  await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [AGENT_LOCK_CLASS, 'ConversionAgent']);
  const pending = post(server, RECOMPUTE).catch((err: unknown) => err);
  // The run's own wait, on the agent's advisory lock: any lock wait was counted before, and once, at
  // load 6-9, a wait of some other backend was seen before the run's row existed.
  await until('the run to wait on the lock', async () => {
    const r = await holder.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%pg_advisory_xact_lock%'`,
    );
    return r.rows[0].n === 1;
  });
  const { rows } = await holder.query(`SELECT id::text, owner_pid FROM agent_logs WHERE status = 'running'`);
  expect(rows).toHaveLength(1);
  return { id: rows[0].id, ownerPid: rows[0].owner_pid, pending };
}

const backendAlive = async (pid: number) => (await holder.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0;

test('kill -9 mid-run: the backend leaves within seconds and the next server marks the run failed at start-up', async () => {
  const first = await spawn();
  const run = await runWaitingOnLock(first);
  first.proc.kill('SIGKILL');
  await first.exited;
  // client_connection_check_interval: the orphaned backend notices its client is gone while it waits.
  await until('the killed server backend to end', async () => !(await backendAlive(run.ownerPid)), 5000);
  expect(await statuses()).toEqual(['running']);

  const second = await spawn();
  const [row] = await runRows(db.pool);
  expect(row).toMatchObject({ id: run.id, status: 'failure', error: ABANDONED, execution_time: null });
  expect(row.finished_at).toBeInstanceOf(Date);
  expect(second.lines.some((l) => l.msg === 'marked 1 abandoned agent run(s) failed' && l.runIds[0] === run.id)).toBe(true);
  const stats = await post(second, '{ agentPerformance { agentName totalRuns failedRuns } }');
  expect(stats).toEqual({ data: { agentPerformance: [{ agentName: 'ConversionAgent', totalRuns: 1, failedRuns: 1 }] } });
});

test('connection cut while the database refuses new ones: the failure cannot be written, is logged, and the sweep marks it', async () => {
  const admin = new Client({ connectionString: process.env.TEST_ADMIN_URL });
  await admin.connect();
  const server = await spawn({ RUN_SWEEP_INTERVAL_MS: '200' });
  try {
    const run = await runWaitingOnLock(server);
    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
    // Until none is left: a connection that passed the ALLOW_CONNECTIONS check just before it may not show yet.
    const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await until('every server connection to be cut', async () => {
      const { rows } = await admin.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
        [db.name, holderPid],
      );
      return rows[0].n === 0;
    });
    const res = (await run.pending) as { errors?: any[] };
    expect(res.errors?.[0].extensions).toMatchObject({ reason: 'DATABASE_UNAVAILABLE', runId: run.id });
    const notRecorded = server.lines.find((l) => l.msg === 'could not record an agent run failure; the run sweep will mark it abandoned');
    expect(notRecorded).toMatchObject({ level: 'error', runId: Number(run.id) });
    expect(await statuses()).toEqual(['running']);

    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    await until('the periodic sweep to mark the run', async () => (await statuses())[0] === 'failure', 10_000);
    expect((await runRows(db.pool))[0]).toMatchObject({ id: run.id, error: ABANDONED });
    expect(server.proc.exitCode).toBeNull();
  } finally {
    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    await admin.end();
  }
});

test("the sweep leaves live runs and other writers' rows alone, and fails rows of the four agents that have no owner", async () => {
  const server = await spawn();
  const run = await runWaitingOnLock(server);
  await db.pool.query(
    `INSERT INTO agent_logs (agent_name, status, started_at)
     VALUES ('StrategyTuningAgent', 'running', now()), ('MyExternalAgent', 'running', now())`,
  );
  const swept = await sweepAbandonedRuns(new Db(db.pool));
  const rows = await runRows(db.pool);
  expect(swept).toEqual([rows[1].id]);
  expect(rows.map((r) => [r.agent_name, r.status])).toEqual([
    ['ConversionAgent', 'running'],
    ['StrategyTuningAgent', 'failure'],
    ['MyExternalAgent', 'running'],
  ]);
  await holder.query('SELECT pg_advisory_unlock_all()');
  expect(((await run.pending) as { errors?: unknown }).errors).toBeUndefined();
  expect((await runRows(db.pool))[0]).toMatchObject({ id: run.id, status: 'success' });
});

describe('recordAgentRun', () => {
  const RECORD = `mutation($agentName: String!, $status: RunStatus!) {
    recordAgentRun(input: { agentName: $agentName, status: $status, startedAt: "2026-01-01T00:00:00Z" }) { status } }`;

  test('RUNNING is refused for the four agents (trimmed names too), accepted for others; other statuses are accepted', async () => {
    const server = await startServer();
    try {
      for (const agentName of ['ConversionAgent', ' AnalyticsAgent ']) {
        const res = await server.gql(RECORD, { agentName, status: 'RUNNING' });
        expect(res.errors).toHaveLength(1);
        expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: ['input.status'] });
        expect(res.errors![0].message).toBe(
          `Invalid input: input.status: must be SUCCESS or FAILURE for ${agentName.trim()}: ` +
            "only this server records its own agents' runs as RUNNING",
        );
      }
      expect(await runRows(db.pool)).toEqual([]);
      expect(ok(await server.gql(RECORD, { agentName: 'MyExternalAgent', status: 'RUNNING' })).recordAgentRun.status).toBe('RUNNING');
      expect(ok(await server.gql(RECORD, { agentName: 'ConversionAgent', status: 'SUCCESS' })).recordAgentRun.status).toBe('SUCCESS');
      expect((await runRows(db.pool)).map((r) => [r.agent_name, r.status])).toEqual([
        ['MyExternalAgent', 'running'],
        ['ConversionAgent', 'success'],
      ]);
    } finally {
      await server.stop();
    }
  });
});
