/**
 * Start-up failures are loud and name their fix: a taken HTTP port exits 1 with "port N is in use
 * (PORT)" and no "serving" line (and stops the embedded PostgreSQL it had started); a taken
 * EMBEDDED_PG_PORT moves to the next free port, so two checkouts side by side both start; every
 * failure is one line on stderr, never "undefined".
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { loadConfig } from '../../src/config';
import { start } from '../../src/main';
import { describeError, startupMessage, StartupError } from '../../src/startup-error';
import { initialisedDataDir } from '../support/initdb-once';
import { freePort } from '../support/net';
import { App, cleanUp, firstAnswer, launch, processesOf, tempDir } from './helpers';

jest.setTimeout(180_000);

const dir = tempDir('creator-fail-loudly-', 0o755);
afterAll(() => cleanUp(dir));

const QUERY = '{ insights(first: 1) { totalCount } }';

/** stderr lines of a process that failed to start (stdout holds the JSON log lines). */
const errorLines = (app: App) =>
  app
    .output()
    .split('\n')
    .filter((l) => l && !l.startsWith('{'));

test('two checkouts on the same EMBEDDED_PG_PORT both start; a taken PORT exits 1 naming it, leaving nothing running', async () => {
  const pgPort = await freePort();
  const [portA, portB] = [await freePort(), await freePort()];
  const dataA = path.join(dir, 'a');
  const dataB = path.join(dir, 'b');
  // Initialised already (initdb once per run): what is under test here is the port, not a first start.
  await Promise.all([initialisedDataDir(dataA), initialisedDataDir(dataB)]);
  const a = launch('node', { PORT: String(portA), DATA_DIR: dataA, EMBEDDED_PG_PORT: String(pgPort) });
  const b = launch('node', { PORT: String(portB), DATA_DIR: dataB, EMBEDDED_PG_PORT: String(pgPort) });
  try {
    await firstAnswer(a, portA, QUERY, 120_000);
    await firstAnswer(b, portB, QUERY, 120_000);
    const moved = [a, b].map((app) =>
      new RegExp(`EMBEDDED_PG_PORT ${pgPort} is in use: the embedded PostgreSQL takes port \\d+`).test(app.output()),
    );
    expect(moved.sort()).toEqual([false, true]); // exactly one of them moved

    b.proc.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    // B again, on A's HTTP port: its database starts, then the port fails the start, and B stops it.
    const again = launch('node', { PORT: String(portA), DATA_DIR: dataB, EMBEDDED_PG_PORT: String(pgPort) });
    expect(await again.exited).toEqual({ code: 1, signal: null });
    expect(again.output()).toContain('"msg":"embedded PostgreSQL on 127.0.0.1:');
    expect(errorLines(again)).toEqual([`cannot start: port ${portA} is in use (PORT)`]);
    expect(again.output()).not.toContain('serving GraphQL');
    expect(processesOf(dataB)).toEqual([]);
    expect((await firstAnswer(a, portA, QUERY, 5000)).data.insights.totalCount).toBe(0); // A still serves
  } finally {
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
  }
});

test('an unreachable DATABASE_URL or a bad variable: one line naming the variable', async () => {
  // In-process: the process wrapper around start() (one stderr line, exit 1) is checked above.
  const nothing = await freePort();
  const failure = async (env: Record<string, string>) => {
    try {
      await start(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }));
      return 'started';
    } catch (err) {
      return startupMessage(err);
    }
  };
  expect(await failure({ DATABASE_URL: `postgresql://postgres@localhost:${nothing}/x` })).toBe(
    `cannot start: cannot reach PostgreSQL at localhost:${nothing} (ECONNREFUSED): ` +
      'check DATABASE_URL, or unset it to use the embedded PostgreSQL',
  );
  expect(await failure({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x', EMBEDDED_PG_PORT: 'none' })).toBe(
    'cannot start: EMBEDDED_PG_PORT must be an integer >= 1, got "none"',
  );
});

test('an embedded database that cannot start says why and names DATA_DIR', async () => {
  const dataDir = path.join(dir, 'broken');
  fs.mkdirSync(path.join(dataDir, 'pg'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '99\n'); // made by a PostgreSQL 99
  fs.writeFileSync(path.join(dataDir, 'pg', 'postgresql.conf'), '');
  const failure = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'x' }).catch((e) => e);
  expect(failure).toBeInstanceOf(StartupError);
  expect(failure.message).toBe(
    'the embedded PostgreSQL did not start: database files are incompatible with server' +
      ` (its data is in ${path.join(dataDir, 'pg')}; set DATA_DIR to use another folder)`,
  );
  expect(processesOf(dataDir)).toEqual([]);
});

test('a port taken on every address (0.0.0.0) is skipped too', async () => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '0.0.0.0');
  await new Promise((r) => blocker.once('listening', r));
  try {
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'a'), port, database: 'x', throwaway: true });
    try {
      expect(db.port).not.toBe(port);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      expect((await c.query('SELECT current_database() AS d')).rows[0].d).toBe('x');
      await c.end();
    } finally {
      await db.stop();
    }
  } finally {
    blocker.close();
  }
});

test('describeError never says undefined', () => {
  expect(describeError(undefined)).toBe('an unknown error (no detail was given)');
  expect(describeError(null)).toBe('an unknown error (no detail was given)');
  expect(describeError({ code: 'X' })).toBe('{"code":"X"}');
  expect(describeError(Object.assign(new Error(''), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
  expect(describeError(new AggregateError([refused('::1:5'), refused('127.0.0.1:5')]))).toBe(
    'connect ECONNREFUSED ::1:5; connect ECONNREFUSED 127.0.0.1:5',
  );
});
