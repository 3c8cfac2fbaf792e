/**
 * A connection that PostgreSQL cuts (pg_terminate_backend) while the server is using it: an agent
 * run's transaction, a read transaction and a plain query, each caught waiting on a lock that this
 * test holds. The request gets a clean DATABASE_UNAVAILABLE error, the process (its own, as in
 * production, one for the three cases in turn) stays up with nothing on stderr, the loss is logged
 * once, and the next request succeeds.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { AGENT_LOCK_CLASS } from '../src/agents/run-agent';
import { ChildServer, spawnServer } from './support/child-server';
import { useTestServer } from './support/use-test-server';
import { until } from './support/wait';

interface Case {
  kind: string;
  /** Taken by the test inside its open transaction: the server's statement waits on it. */
  lock: string;
  query: string;
  field: string;
  /**
   * Whether pg raises 'error' on the client: a transaction still holds it when the socket closes
   * (the crash this file guards against); pool.query releases and ends its client on the failed
   * statement first, so the failed statement is all there is to log.
   */
  clientError: boolean;
}

const CASES: Case[] = [
  {
    kind: 'an agent run, its transaction waiting for the agent lock',
    lock: `SELECT pg_advisory_xact_lock(${AGENT_LOCK_CLASS}, hashtext('ConversionAgent'))`,
    query: 'mutation { recomputeEngagementScores(input: { windowDays: 365, halfLifeDays: 2 }) { usersScored } }',
    field: 'recomputeEngagementScores',
    clientError: true,
  },
  {
    kind: 'a read transaction (agentPerformance) waiting for a lock on agent_logs',
    lock: 'LOCK TABLE agent_logs IN ACCESS EXCLUSIVE MODE',
    query: '{ agentPerformance { agentName totalRuns } }',
    field: 'agentPerformance',
    clientError: true,
  },
  {
    kind: 'a plain query (insights) waiting for a lock on insights',
    lock: 'LOCK TABLE insights IN ACCESS EXCLUSIVE MODE',
    query: '{ insights(first: 1) { totalCount } }',
    field: 'insights',
    clientError: false,
  },
];

const { db, cleanup } = useTestServer('db_faults', null);
let holder: Client;
/** One server process for the three cases, one after the other: each counts only its own log lines. */
let server: ChildServer;

beforeAll(async () => {
  holder = new Client({ connectionString: db.url });
  await holder.connect();
  cleanup(() => holder.end());
  server = await spawnServer({ DATABASE_URL: db.url });
  cleanup(() => server.stop());
});

/** Terminates the one server connection that waits on the test's lock (only this file's database). */
async function terminateWaitingBackend(server: ChildServer): Promise<void> {
  const waiting = `SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`;
  await until('a server connection to wait on the lock', async () => {
    if (server.proc.exitCode !== null) throw new Error(`the server exited: ${server.stderr()}`);
    return (await holder.query(waiting)).rows.length === 1;
  });
  const { rows } = await holder.query(`SELECT pg_terminate_backend(pid) AS cut FROM (${waiting}) w`);
  expect(rows).toEqual([{ cut: true }]);
}

describe.each(CASES)('$kind', (c) => {
  let firstLine = 0;
  beforeAll(() => {
    firstLine = server.lines.length;
  });
  const gql = async (query: string): Promise<{ data?: any; errors?: any[] }> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  const logged = (msg: string) => server.lines.slice(firstLine).filter((l) => l.msg === msg);

  test('its connection cut: a clean error, the process lives and logs it once, the next request succeeds', async () => {
    await holder.query('BEGIN');
    let res: { data?: any; errors?: any[] };
    try {
      await holder.query(c.lock);
      const pending = gql(c.query);
      await terminateWaitingBackend(server);
      res = await pending;
    } finally {
      await holder.query('ROLLBACK');
    }

    expect(res.errors).toHaveLength(1);
    const [err] = res.errors!;
    expect(err.message).toBe('Database unavailable; retry later');
    expect(err.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_UNAVAILABLE' });
    if (c.field === 'recomputeEngagementScores') {
      // The run's row records the failure (written on another connection once the cut one was dropped).
      const run = await holder.query('SELECT status, error FROM agent_logs WHERE id = $1', [Number(err.extensions.runId)]);
      expect(run.rows).toEqual([{ status: 'failure', error: 'terminating connection due to administrator command' }]);
    }

    const trouble = 'database trouble while resolving a request: DATABASE_UNAVAILABLE';
    await until('the failed request to be logged', () => logged('graphql request').length > 0);
    expect(logged(trouble)).toHaveLength(1);
    expect(logged(trouble)[0].err.message).toBe('terminating connection due to administrator command');
    if (c.clientError) await until('the lost connection to be logged', () => logged('database connection lost').length > 0);
    const again = await gql(c.query);
    expect(again.errors).toBeUndefined();
    expect(again.data[c.field]).toBeDefined();
    expect(server.proc.exitCode).toBeNull();
    expect(server.stderr()).toBe('');
    expect(logged('database connection lost')).toHaveLength(c.clientError ? 1 : 0); // once per connection
    // Both requests' lines are in before the next case counts its own.
    await until('the second request to be logged', () => logged('graphql request').length === 2);
  });
});
