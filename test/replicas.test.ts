/**
 * Read replicas (docs/operations.md "Read replicas", docs/api.md "Read replicas and read-your-writes")
 * against a real streaming replica: this file makes its own primary and replica (pg-cluster.ts:
 * initdb, pg_basebackup -R, pg_ctl), one pair for the whole file, removed after. Queries land on
 * the replica (its pg_stat_statements), a replica whose replay is paused past REPLICA_MAX_LAG_MS is
 * skipped, a write's X-Min-LSN brings its reads to the primary until the replica has it (the
 * result cache never keeps a replica's answer older than the write), and a replica that dies under
 * load costs no failed request.
 */
import { Client, Pool } from 'pg';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { freePort } from './support/net';
import { Cluster, startCluster } from './support/pg-cluster';
import { startTestServer, TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';
import { describeWith } from './support/services';
import { sleep, until } from './support/wait';

const DATABASE = 'replica_test';
const MAX_LAG_MS = 400;

test('DATABASE_REPLICA_URLS: postgresql:// URLs, with DATABASE_URL; REPLICA_MAX_LAG_MS defaults to 1000', () => {
  const env = { DATABASE_URL: 'postgresql://p@db:5432/x' };
  expect(loadConfig({ ...env, DATABASE_REPLICA_URLS: ' postgresql://r1:5432/x, postgres://r2/x ,' })).toMatchObject({
    replicaUrls: ['postgresql://r1:5432/x', 'postgres://r2/x'],
    replicaMaxLagMs: 1000,
    replicaPollIntervalMs: 200,
  });
  expect(loadConfig(env).replicaUrls).toEqual([]);
  expect(() => loadConfig({ ...env, DATABASE_REPLICA_URLS: 'mysql://u:secret@r1/x' })).toThrow(
    'DATABASE_REPLICA_URLS must be comma-separated postgresql:// URLs, got "mysql://***@r1/x"',
  );
  expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgresql://r1/x' })).toThrow('DATABASE_REPLICA_URLS needs DATABASE_URL');
  expect(() => loadConfig({ ...env, REPLICA_MAX_LAG_MS: '-1' })).toThrow('REPLICA_MAX_LAG_MS must be an integer >= 0');
  expect(() => loadConfig({ ...env, DATABASE_REPLICA_URLS: 'postgresql://r1/x', REPLICA_MAX_LAG_MS: '200' })).toThrow(
    'REPLICA_POLL_INTERVAL_MS (200) must be below REPLICA_MAX_LAG_MS (200)',
  );
});

describe('a replica that is not there at start-up', () => {
  const { startServer } = useTestServer('replica_absent', null);

  test('the server starts, reads run on the primary, /readyz says why the replica is down', async () => {
    const port = await freePort();
    const server = await startServer({
      DATABASE_REPLICA_URLS: `postgresql://postgres@127.0.0.1:${port}/none`,
      REPLICA_POLL_INTERVAL_MS: '50',
    });
    const res = await server.gql('{ insights(first: 1) { nodes { id } } }');
    expect(res.errors).toBeUndefined();
    const ready = (await (await fetch(`http://127.0.0.1:${server.port}/readyz`)).json()) as { replicas: { reason: string }[] };
    expect(ready).toMatchObject({ status: 'ready', replicas: [{ name: `127.0.0.1:${port}/none`, state: 'down', lagMs: null }] });
    expect(ready.replicas[0].reason).toMatch(/ECONNREFUSED|connect/);
  });
});

describeWith('pgserver', 'read replicas on a real streaming replica', () => {
  let cluster: Cluster;
  let primary: Pool;
  let replica: Pool;
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    // The database and its migrations, on the primary while the replica is being made.
    cluster = await startCluster(async (primaryUrl) => {
      const admin = new Client({ connectionString: primaryUrl('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${DATABASE}`);
      await admin.end();
      await runMigrations(primaryUrl(DATABASE));
      const c = new Client({ connectionString: primaryUrl(DATABASE) });
      await c.connect();
      await c.query('CREATE EXTENSION pg_stat_statements');
      await c.end();
    });
    primary = new Pool({ connectionString: cluster.primaryUrl(DATABASE), max: 2 });
    replica = new Pool({ connectionString: cluster.replicaUrl(DATABASE), max: 2 });
    replica.on('error', () => undefined); // the last test stops the replica under it
    server = await startTestServer(cluster.primaryUrl(DATABASE), {
      DATABASE_REPLICA_URLS: cluster.replicaUrl(DATABASE),
      REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      REPLICA_POLL_INTERVAL_MS: '50',
    });
    base = `http://127.0.0.1:${server.port}`;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await primary?.end();
    await replica?.end().catch(() => undefined);
    await cluster?.remove();
  }, 30_000);

  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, minLsn: res.headers.get('x-min-lsn'), body: (await res.json()) as any };
  };
  const readyz = async (url = base) => (await (await fetch(`${url}/readyz`)).json()) as { status: string; replicas: any[] };
  const replicaState = async (url = base) => (await readyz(url)).replicas[0];
  /** Calls of the statements on `pool`'s server that read `table` (pg_stat_statements; the writes left out). */
  const readCalls = async (pool: Pool, table: string) =>
    Number(
      (
        await pool.query(
          `SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements
            WHERE query ILIKE '%' || $1 || '%' AND query NOT ILIKE 'insert%' AND query NOT ILIKE '%pg_stat_statements%'`,
          [table],
        )
      ).rows[0].n,
    );
  const resetStats = () =>
    Promise.all([primary.query('SELECT pg_stat_statements_reset()'), replica.query('SELECT pg_stat_statements_reset()')]);
  const createInsight = (url: string, topic: string) =>
    post(url, { query: 'mutation($t: String!) { createInsight(input: { topic: $t }) { id } }', variables: { t: topic } });
  const topics = async (url: string, headers: Record<string, string> = {}) => {
    const res = await post(url, { query: '{ insights(first: 100) { nodes { topic } } }' }, headers);
    expect(res.body.errors).toBeUndefined();
    return (res.body.data.insights.nodes as { topic: string }[]).map((n) => n.topic);
  };
  const caughtUp = async (url = base) => {
    const lsn = (await primary.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn as string;
    await until('the replica to replay the primary', async () => {
      const s = await replicaState(url);
      return s.state === 'up' && (await replica.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok;
    });
  };

  test('queries run on the replica, mutations on the primary; the write answers with X-Min-LSN', async () => {
    const write = await createInsight(server.url, 'written on the primary');
    expect(write.status).toBe(200);
    expect(write.minLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(write.body.extensions.minLsn).toBe(write.minLsn);
    await caughtUp();
    await resetStats();
    for (let i = 0; i < 5; i++) expect(await topics(server.url)).toContain('written on the primary');
    expect(await readCalls(replica, 'insights')).toBeGreaterThanOrEqual(5);
    expect(await readCalls(primary, 'insights')).toBe(0);
    expect((await replica.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);

    const ready = await readyz();
    expect(ready).toMatchObject({ status: 'ready', replicas: [{ name: `127.0.0.1:${cluster.replicaPort}/${DATABASE}`, state: 'up' }] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const label = `replica="127.0.0.1:${cluster.replicaPort}/${DATABASE}"`;
    expect(metrics).toContain(`db_replica_up{${label}} 1`);
    expect(metrics).toMatch(new RegExp(`db_replica_statements_total\\{${label.replace(/[./]/g, '\\$&')}\\} ([1-9]\\d*)`));
    expect(metrics).toMatch(/db_replica_lag_seconds\{[^}]*\} 0\b/);
  });

  test('a replica whose replay is paused falls behind REPLICA_MAX_LAG_MS and is skipped', async () => {
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      await createInsight(server.url, 'written while replay is paused');
      await until('the replica to count as lagging', async () => (await replicaState()).state === 'lagging');
      const state = await replicaState();
      expect(state.lagMs).toBeGreaterThan(MAX_LAG_MS);
      expect(state.lagBytes).toBeGreaterThan(0);
      await resetStats();
      // On the paused replica the row does not exist yet: seen, the read ran on the primary.
      expect(await topics(server.url)).toContain('written while replay is paused');
      expect(await readCalls(replica, 'insights')).toBe(0);
      expect(await readCalls(primary, 'insights')).toBeGreaterThan(0);
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/db_replica_up\{[^}]*\} 0/);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    await resetStats();
    expect(await topics(server.url)).toContain('written while replay is paused');
    expect(await readCalls(replica, 'insights')).toBeGreaterThan(0);
  });

  test('read-your-writes: a read sent with X-Min-LSN (or extensions.minLsn) avoids a replica behind it; the cache keeps no older answer', async () => {
    // A server that tolerates any lag: only X-Min-LSN keeps its reads off the paused replica.
    const tolerant = await startTestServer(cluster.primaryUrl(DATABASE), {
      DATABASE_REPLICA_URLS: cluster.replicaUrl(DATABASE),
      REPLICA_MAX_LAG_MS: '600000',
      REPLICA_POLL_INTERVAL_MS: '50',
    });
    try {
      await caughtUp(`http://127.0.0.1:${tolerant.port}`);
      await replica.query('SELECT pg_wal_replay_pause()');
      const write = await createInsight(tolerant.url, 'read your own write');
      const lsn = write.minLsn!;
      expect(await topics(tolerant.url)).not.toContain('read your own write'); // the replica, behind
      expect(await topics(tolerant.url, { 'x-min-lsn': lsn })).toContain('read your own write');
      const get = await fetch(
        `${tolerant.url}?query=${encodeURIComponent('{ insights(first: 100) { nodes { topic } } }')}&extensions=${encodeURIComponent(JSON.stringify({ minLsn: lsn }))}`,
      );
      expect(JSON.stringify(await get.json())).toContain('read your own write');
      const bad = await post(tolerant.url, { query: '{ insights(first: 1) { nodes { id } } }' }, { 'x-min-lsn': 'yesterday' });
      expect(bad.body.data).toBeUndefined(); // refused before anything ran (200: application/json, docs/api.md "HTTP")
      expect(bad.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(bad.body.errors[0].message).toMatch(/X-Min-LSN/);

      // Bulk ingest answers with its position too.
      const userId = (await primary.query(`INSERT INTO community_users (handle, platform) VALUES ('ingest', 'youtube') RETURNING id`))
        .rows[0].id;
      const ingest = await fetch(`http://127.0.0.1:${tolerant.port}/ingest/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify({ userId, type: 'LIKE' })}\n`,
      });
      const ingested = (await ingest.json()) as { inserted: number; minLsn: string };
      expect(ingested).toEqual({ inserted: 1, minLsn: ingest.headers.get('x-min-lsn') });

      // The result cache: the write invalidated tierDistribution; the paused replica's answer is
      // older than it, so it is served but not stored; the primary's (X-Min-LSN) is.
      const tiers = async (headers: Record<string, string> = {}) => {
        const res = await post(tolerant.url, { query: '{ tierDistribution { tier users } }' }, headers);
        const users = (res.body.data.tierDistribution as { users: number }[]).reduce((n, t) => n + t.users, 0);
        return { users, hits: res.body.extensions.queryStats.cacheHits as number };
      };
      const user = await post(tolerant.url, {
        query: 'mutation { upsertCommunityUser(input: { handle: "ryw", platform: YOUTUBE }) { id } }',
      });
      expect(user.body.errors).toBeUndefined();
      expect(await tiers()).toEqual({ users: 0, hits: 0 });
      expect(await tiers()).toEqual({ users: 0, hits: 0 }); // not stored: computed again
      expect(await tiers({ 'x-min-lsn': user.minLsn! })).toEqual({ users: 2, hits: 0 });
      expect(await tiers()).toEqual({ users: 2, hits: 1 });
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
      await tolerant.stop();
    }
  });

  test('a replica that dies under load costs no failed request: its reads go to the primary', async () => {
    await caughtUp();
    const before = await readCalls(replica, 'insights');
    const outcomes: { status: number; errors?: unknown }[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        const res = await post(server.url, { query: '{ insights(first: 20) { totalCount nodes { id topic } } }' });
        outcomes.push({ status: res.status, errors: res.body.errors });
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    await sleep(300);
    expect(await readCalls(replica, 'insights')).toBeGreaterThan(before);
    await cluster.stopReplica();
    const stoppedAt = outcomes.length;
    await sleep(700);
    running = false;
    await Promise.all(loops);
    expect(outcomes.length).toBeGreaterThan(stoppedAt + 10);
    expect(outcomes.filter((o) => o.status !== 200 || o.errors)).toEqual([]);
    const ready = await readyz();
    expect(ready).toMatchObject({ status: 'ready', replicas: [{ state: 'down', lagMs: null }] });
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/db_replica_up\{[^}]*\} 0/);
  });
});
