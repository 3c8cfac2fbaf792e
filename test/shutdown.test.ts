/**
 * Graceful shutdown on SIGTERM, on the real process: stop accepting, finish in-flight requests,
 * close the pool, stop the embedded database, exit 0.
 *
 * The slow in-flight request is real: the test holds an ACCESS EXCLUSIVE lock on `insights` in an
 * open transaction, so the server's read of that table waits inside PostgreSQL. The test sees it
 * waiting (pg_stat_activity), sends SIGTERM, checks that new connections are refused, then releases
 * the lock: the waiting request must still get its full answer before the process exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { factories } from './support/factories';
import { accepts, ChildServer, spawnServer } from './support/child-server';
import { initialisedDataDir } from './support/initdb-once';
import { freePort } from './support/net';
import { useTestServer } from './support/use-test-server';
import { sleep, until } from './support/wait';

const { db, cleanup } = useTestServer('shutdown', null);
db.pool.on('error', () => undefined);

test('SIGTERM: refuses new connections, finishes the in-flight request, exits 0', async () => {
  await factories(db.pool).insight({ topic: 'still answered' });
  const server = await spawnServer({ DATABASE_URL: db.url });
  cleanup(() => server.stop());
  const holder = await db.pool.connect();
  let inFlight: Promise<{ status: number; connection: string | null; body: any }>;
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE insights IN ACCESS EXCLUSIVE MODE');

    inFlight = fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query SlowRead { insights(first: 5) { totalCount nodes { topic } } }' }),
    }).then(async (r) => ({ status: r.status, connection: r.headers.get('connection'), body: await r.json() }));

    await until('the request to wait on the lock', async () => {
      const r = await db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      return r.rows[0].n === 1;
    });

    server.proc.kill('SIGTERM');
    await until('the port to refuse new connections', async () => !(await accepts(server.port)), 10_000);
    await sleep(300);
    expect(server.proc.exitCode).toBeNull(); // still running: a request is in flight
    await holder.query('ROLLBACK');
  } finally {
    holder.release();
  }

  const answer = await inFlight!;
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ insights: { totalCount: 1, nodes: [{ topic: 'still answered' }] } });
  expect(answer.connection).toBe('close');
  expect(await server.exited).toEqual({ code: 0, signal: null });

  const request = server.lines.find((l) => l.msg === 'graphql request');
  const stopped = server.lines.find((l) => l.msg === 'stopped');
  expect(request).toMatchObject({ operation: 'SlowRead', outcome: 'success', status: 200, sqlQueries: 2 });
  expect(server.lines.indexOf(stopped!)).toBeGreaterThan(server.lines.indexOf(request!));
  expect(Date.parse(stopped!.time)).toBeGreaterThanOrEqual(Date.parse(request!.time));
});

test('SIGTERM with the embedded PostgreSQL: it is stopped too, and the process exits 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-shutdown-embedded-'));
  fs.chmodSync(dir, 0o755); // as root the data belongs to postgres, which must reach it (test/start/root-private.test.ts)
  const dataDir = path.join(dir, 'data');
  const pgPort = await freePort();
  let server: ChildServer | undefined;
  try {
    // Initialised already (initdb once per run): the subject is the stop, not a first start (test/start/npm-start.test.ts).
    await initialisedDataDir(dataDir);
    server = await spawnServer({ DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), MIGRATIONS_RUN: 'true' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ insights(first: 1) { totalCount } }' }),
    });
    expect(await res.json()).toEqual({ data: { insights: { totalCount: 0 } } });
    expect(await accepts(pgPort)).toBe(true);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((l) => l.msg)).toContain('stopped');
    expect(await accepts(pgPort)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
