/** The real server (the compiled build, as `npm start` runs it) in a child process, and a client. */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BENCH_KEY = 'bench-admin-key';

export interface BenchServer {
  pid: number;
  url: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: T; errors?: any[]; extensions?: any }>;
  stop(): Promise<void>;
}

export async function startServer(opts: { root: string; databaseUrl: string; port: number; logFile: string; nodeArgs?: string[]; env?: Record<string, string> }): Promise<BenchServer> {
  const out = fs.openSync(opts.logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(opts.root, 'dist/src/main.js')], {
    cwd: opts.root,
    env: {
      ...process.env, DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), QUERY_STATS: '1', MIGRATIONS_RUN: 'false',
      // The production configuration (graphql-js skips its development-only checks), with a key.
      BENCH_ALLOW_UNBATCHED: '1', NODE_ENV: 'production', API_KEYS: `admin:${BENCH_KEY}`, ...opts.env,
    },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${opts.port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${opts.logFile}`);
    try {
      const res = await fetch(`http://127.0.0.1:${opts.port}/readyz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start; see ${opts.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid!,
    url,
    async gql(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}`, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as any;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.closeSync(out);
    },
  };
}
