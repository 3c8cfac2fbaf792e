/**
 * The real server as its own process, for tests about signals, exits and database faults: what the
 * process does, not just the app. It runs the compiled dist/src/main.js, as `npm start` does, which
 * global setup brings up to date first (scripts/build.mjs --if-stale): a start costs about 1 s of
 * CPU, where ts-node would transpile src/ again in every process (about 5 s).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** The entry point, built from src/main.ts by global setup. */
export const MAIN = 'dist/src/main.js';

export interface ChildServer {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Every JSON log line so far (stdout). */
  lines: Record<string, any>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * Runs the server process to its end, for start-ups that must refuse: `env` is laid over this
 * process's environment, a null value removes a variable. Its exit status and what it printed.
 */
export function runServerOnce(env: Record<string, string | null>): { status: number | null; stdout: string; stderr: string } {
  const full: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  for (const [name, value] of Object.entries(env)) {
    if (value === null) delete full[name];
    else full[name] = value;
  }
  const run = spawnSync(process.execPath, [MAIN], {
    cwd: path.join(__dirname, '..', '..'),
    env: full,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What spawnServer runs: the server (default), or the worker-only process of `npm run worker`. */
export interface ChildEntry {
  script: string;
  /** The start of the log line that says it is ready (the server's has its port). */
  ready: string;
}
export const SERVER_ENTRY: ChildEntry = { script: MAIN, ready: 'serving GraphQL' };
export const WORKER_ENTRY: ChildEntry = { script: 'dist/src/worker.js', ready: 'job queue worker started' };

/** Defaults: WORKER=off (as test servers, test/support/server.ts); the job-queue tests turn it on. */
export async function spawnServer(
  env: Record<string, string>,
  startTimeoutMs = 90_000,
  entry: ChildEntry = SERVER_ENTRY,
): Promise<ChildServer> {
  const root = path.join(__dirname, '..', '..');
  const proc = spawn(process.execPath, [entry.script], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', MIGRATIONS_RUN: 'false', WORKER: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  let err = '';
  let buffered = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs} ms: ${err}`)), startTimeoutMs);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const obj = JSON.parse(line);
          lines.push(obj);
          if (typeof obj.msg === 'string' && obj.msg.startsWith(entry.ready)) {
            clearTimeout(timer);
            resolve(obj.port ?? 0);
          }
        } catch {
          lines.push({ raw: line });
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${err}`));
    });
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    stderr: () => err,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether a fresh TCP connection to the port is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface EmbeddedPgProcess {
  url: string;
  /** Stops PostgreSQL (fast shutdown: open connections are cut) and waits for it. */
  stop(): Promise<void>;
}

/** An embedded PostgreSQL in its own process (see embedded-pg-main.js). */
export async function spawnEmbeddedPostgres(dataDir: string, port: number, database: string): Promise<EmbeddedPgProcess> {
  const root = path.join(__dirname, '..', '..');
  const proc = spawn(process.execPath, ['test/support/embedded-pg-main.js', dataDir, String(port), database], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)).url);
    });
    void exited.then((code) => reject(new Error(`embedded PostgreSQL exited with ${code}: ${err}`)));
  });
  return {
    url,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
