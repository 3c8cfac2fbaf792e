/**
 * Database faults under a steady, bounded stream of requests to a server running as its own process:
 * it never exits, /readyz goes 503 and back to 200, failed requests get a clear GraphQL error (never
 * a 5xx, never a hang), and requests succeed again within 5 s of the database's return.
 *   1. every connection of the server is cut (pg_terminate_backend) while its database refuses new
 *      ones (ALLOW_CONNECTIONS false), on the shared test server: only this file's database is hit;
 *   2. PostgreSQL itself stops and starts again: an embedded PostgreSQL that this test owns (started
 *      by startEmbeddedPostgres in a process of its own, in a temporary folder);
 *   3. pool exhaustion: a request waits at most DB_CONNECTION_TIMEOUT_MS, then fails clearly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ChildServer, EmbeddedPgProcess, spawnEmbeddedPostgres, spawnServer } from './support/child-server';
import { freePort } from './support/net';
import { useTestServer } from './support/use-test-server';
import { sleep, until } from './support/wait';

const QUERY = JSON.stringify({ query: 'query Steady { insights(first: 1) { totalCount } }' });

interface Sample {
  at: number;
  status: number;
  ok: boolean;
  codes: string[];
  reasons: string[];
  text: string;
}

/** One request every 50 ms, each bounded by a 15 s abort, until stop() or 120 s. */
function steadyStream(url: string) {
  const samples: Sample[] = [];
  let stopped = false;
  const run = (async () => {
    const deadline = Date.now() + 120_000;
    while (!stopped && Date.now() < deadline) {
      const at = Date.now();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: QUERY,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      const body = JSON.parse(text);
      samples.push({
        at,
        status: res.status,
        ok: !body.errors && typeof body.data?.insights?.totalCount === 'number',
        codes: (body.errors ?? []).map((e: any) => e.extensions?.code),
        reasons: (body.errors ?? []).map((e: any) => e.extensions?.reason),
        text,
      });
      await sleep(50);
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await run;
    },
  };
}

const readyz = async (url: string) => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(15_000) })).status;

/** Every sample is a 200 with either data or the clear "database unavailable" error. */
function expectCleanFailures(samples: Sample[]) {
  for (const s of samples) {
    expect(s.status).toBe(200);
    if (!s.ok) {
      expect(s.codes).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(s.reasons).toEqual(['DATABASE_UNAVAILABLE']);
      expect(s.text).toContain('Database unavailable; retry later');
    }
  }
}

/** The time from the database's return to the first request that succeeded after it. */
function recovery(samples: Sample[], back: number, what: string): number {
  const first = samples.find((s) => s.at >= back && s.ok);
  if (!first) throw new Error('no request succeeded after the database came back');
  const failed = samples.filter((s) => !s.ok).length;
  console.log(
    `${what}: ${samples.length} requests, ${failed} failed cleanly, first success ${first.at - back} ms after the database came back`,
  );
  return first.at - back;
}

describe('connections cut on the shared server', () => {
  const { db, cleanup } = useTestServer('faults', null);
  db.pool.on('error', () => undefined); // its idle connections are cut too
  let server: ChildServer;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.TEST_ADMIN_URL });
    await admin.connect();
    cleanup(async () => {
      await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    });
    server = await spawnServer({ DATABASE_URL: db.url });
    cleanup(() => server.stop());
  });

  test('pg_terminate_backend on every connection: 503, clear errors, back within 5 s', async () => {
    const stream = steadyStream(server.url);
    await until('a few good requests', () => stream.samples.filter((s) => s.ok).length >= 5);

    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
    const cut = await admin.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
    expect(cut.rows[0].n).toBeGreaterThan(0);
    await until('/readyz to say 503', async () => (await readyz(server.url)) === 503);
    await until('requests to fail while the database is away', () => stream.samples.filter((s) => !s.ok).length >= 5);

    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    const back = Date.now();
    await until('/readyz to say 200 again', async () => (await readyz(server.url)) === 200);
    await until('requests to succeed again', () => stream.samples.some((s) => s.at >= back && s.ok));
    await until('a few more good requests', () => stream.samples.filter((s) => s.at >= back && s.ok).length >= 5);
    await stream.stop();

    expect(recovery(stream.samples, back, 'connections cut')).toBeLessThan(5000);
    expectCleanFailures(stream.samples);
    expect(server.proc.exitCode).toBeNull();
    expect(server.stderr()).toBe('');
  });
});

describe('PostgreSQL stops and starts again (a server this test owns)', () => {
  let dataDir: string;
  let pgPort: number;
  let pg: EmbeddedPgProcess | undefined;
  let server: ChildServer | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-faults-pg-'));
    pgPort = await freePort();
    pg = await spawnEmbeddedPostgres(dataDir, pgPort, 'faults');
    server = await spawnServer({ DATABASE_URL: pg.url, MIGRATIONS_RUN: 'true' });
  });
  afterAll(async () => {
    await server?.stop();
    await pg?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('restart: 503 while down, clear errors, back within 5 s, the server never exits', async () => {
    const stream = steadyStream(server!.url);
    await until('a few good requests', () => stream.samples.filter((s) => s.ok).length >= 5);

    await pg!.stop();
    await until('/readyz to say 503', async () => (await readyz(server!.url)) === 503);
    await until('requests to fail while PostgreSQL is down', () => stream.samples.filter((s) => !s.ok).length >= 5);
    await until('a longer outage', () => stream.samples.filter((s) => !s.ok).length >= 10);

    pg = await spawnEmbeddedPostgres(dataDir, pgPort, 'faults');
    const back = Date.now();
    await until('/readyz to say 200 again', async () => (await readyz(server!.url)) === 200);
    await until('requests to succeed again', () => stream.samples.some((s) => s.at >= back && s.ok));
    await until('a few more good requests', () => stream.samples.filter((s) => s.at >= back && s.ok).length >= 5);
    await stream.stop();

    expect(recovery(stream.samples, back, 'PostgreSQL restarted')).toBeLessThan(5000);
    expectCleanFailures(stream.samples);
    expect(server!.proc.exitCode).toBeNull();
    expect(server!.stderr()).toBe('');
  });
});

describe('pool exhaustion', () => {
  const { db, server } = useTestServer('pool', { QUERY_STATS: '0', DB_POOL_MAX: '2', DB_CONNECTION_TIMEOUT_MS: '1000' });

  test('a request waits at most DB_CONNECTION_TIMEOUT_MS for a connection, then fails clearly', async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const ask = () =>
      fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    // The test holds a lock on insights: two requests take both pool connections and wait on it.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE insights IN ACCESS EXCLUSIVE MODE');
      let heldDone = 0;
      const held = [ask(), ask()].map((p) => p.finally(() => (heldDone += 1)));
      await until('both pool connections to wait on the lock', async () => {
        const r = await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return r.rows[0].n === 2;
      });

      const third = ask();
      await until('the third request to wait for a connection', async () => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        return /^db_pool_waiting_clients 1$/m.test(metrics) && /^db_pool_total_connections 2$/m.test(metrics);
      });
      const refused = await third;
      expect(heldDone).toBe(0); // it did not wait for the lock holders: it gave up on its own
      expect(refused.status).toBe(200);
      expect(refused.body.errors).toEqual([
        {
          message: 'Database busy: no connection became free within 1000 ms (DB_CONNECTION_TIMEOUT_MS); retry later',
          locations: [{ line: 1, column: 16 }],
          path: ['insights'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_BUSY' },
        },
      ]);

      await holder.query('ROLLBACK');
      for (const r of await Promise.all(held)) expect(r.body).toEqual({ data: { insights: { totalCount: 0 } } });
    } finally {
      holder.release();
    }
  });
});
