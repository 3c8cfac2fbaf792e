/** The real server (the compiled build, as `npm start` runs it) in a child process, and a client. */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratch-db';

export const BENCH_KEY = 'bench-admin-key';

export interface BenchServer {
  pid: number;
  url: string;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: any[]; extensions?: any }>;
  stop(): Promise<void>;
}

export interface ChildServer {
  pid: number;
  stop(): Promise<void>;
}

/** The last error line a failed server wrote to its log (the log is appended to, run after run). */
function lastError(logFile: string): string {
  const lines = fs
    .readFileSync(logFile, 'utf8')
    .slice(-20_000)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .reverse();
  return lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[0] ?? 'no output';
}

/**
 * A Node server in a child process (output appended to logFile), resolved once ready() says so:
 * any server the benchmarks measure, ours or a peer.
 */
export async function spawnServer(opts: {
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  ready: () => Promise<boolean>;
  logFile: string;
  startMs?: number;
}): Promise<ChildServer> {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  let out: number | null = fs.openSync(opts.logFile, 'a');
  const closeLog = () => {
    if (out !== null) fs.closeSync(out);
    out = null;
  };
  const env = { ...process.env, ...opts.env };
  const child: ChildProcess = spawn(process.execPath, opts.args, { cwd: opts.cwd, env, stdio: ['ignore', out, out] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    closeLog();
  };
  const deadline = Date.now() + (opts.startMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      closeLog();
      throw new Error(`server exited with ${child.exitCode} (${lastError(opts.logFile)}); see ${opts.logFile}`);
    }
    if (await opts.ready().catch(() => false)) break; // false or refused: not listening yet
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not start; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pid: child.pid!, stop };
}

export async function startServer(opts: {
  root: string;
  databaseUrl: string;
  port: number;
  logFile: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}): Promise<BenchServer> {
  const child = await spawnServer({
    args: [...(opts.nodeArgs ?? []), path.join(opts.root, 'dist/src/main.js')],
    cwd: opts.root,
    env: {
      DATABASE_URL: opts.databaseUrl,
      PORT: String(opts.port),
      QUERY_STATS: '1',
      MIGRATIONS_RUN: 'false',
      // The production configuration (graphql-js skips its development-only checks), with a key.
      BENCH_ALLOW_UNBATCHED: '1',
      NODE_ENV: 'production',
      API_KEYS: `admin:${BENCH_KEY}`,
      ...opts.env,
    },
    ready: async () => (await fetch(`http://127.0.0.1:${opts.port}/readyz`)).ok,
    logFile: opts.logFile,
  });
  const url = `http://127.0.0.1:${opts.port}/graphql`;
  return {
    pid: child.pid,
    url,
    async gql(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}`, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as any;
    },
    stop: child.stop,
  };
}

/**
 * A benchmark's whole life on its own database: a scratch database on DATABASE_URL's server, the
 * built server on it (migrations run on start), `run`, then the server stopped and the database
 * dropped, also on Ctrl-C. With `keep`, that named database is used and kept (scratch-db.ts);
 * `run` learns whether it was just created.
 */
export async function onScratchServer(
  label: string,
  opts: { port: number; nodeArgs?: string[]; env?: Record<string, string>; keep?: string },
  run: (server: BenchServer, databaseUrl: string, fresh: boolean) => Promise<void>,
): Promise<void> {
  const db = await scratchDatabase(label, opts.keep);
  let server: BenchServer | null = null;
  process.once('SIGINT', () => {
    void Promise.resolve(server?.stop())
      .then(() => db.drop())
      .finally(() => process.exit(130));
  });
  try {
    server = await startServer({
      root: path.resolve(__dirname, '..', '..'),
      databaseUrl: db.url,
      port: opts.port,
      logFile: path.join(os.tmpdir(), `${label}-server.log`),
      nodeArgs: opts.nodeArgs,
      env: { MIGRATIONS_RUN: 'true', ...opts.env },
    });
    await run(server, db.url, db.fresh);
  } finally {
    await server?.stop();
    await db.drop();
  }
}
