/**
 * The app as a user starts it (`npm start`, or node on the entry point), in a process of its own
 * with its own data folder, and what the system shows of it: its processes in /proc, its ports.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAIN } from '../support/child-server';

export const root = path.resolve(__dirname, '..', '..');

export interface App {
  proc: ChildProcess;
  /** stdout and stderr so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm start` (the npm process itself is `proc`), or node on the entry point `npm start` runs
 * (dist/src/main.js, built by global setup: no transpiling in every process); on the embedded
 * PostgreSQL unless env names a DATABASE_URL.
 */
export function launch(how: 'npm' | 'node', env: Record<string, string>, cwd = root, nodeFlags: string[] = []): App {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...env };
  if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL; // the embedded PostgreSQL
  const [file, args] = how === 'npm' ? ['npm', ['start']] : [process.execPath, [...nodeFlags, MAIN]];
  const proc = spawn(file, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

export async function gql(port: number, query: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

/** Polls the query until it answers with data; returns the answer. Fails if the app exits first. */
export async function firstAnswer(app: App, port: number, query: string, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the app exited before answering:\n${app.output()}`);
    const body = await gql(port, query).catch(() => null);
    if (body?.data) return body;
    if (Date.now() > deadline) throw new Error(`no answer in ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pids of the processes whose command line or DATA_DIR mentions the folder (node by DATA_DIR, postgres by both). */
export function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const environ = fs.readFileSync(`/proc/${name}/environ`, 'utf8');
      if (cmdline.includes(dir) || environ.split('\0').some((v) => v.startsWith(`DATA_DIR=${dir}`))) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** A new temporary folder with this mode (mkdtemp makes 0700). */
export function tempDir(prefix: string, mode: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, mode);
  return dir;
}

/** Kills what is left of a failed test (processes of the folder) and removes the folder. */
export function cleanUp(dir: string): void {
  for (const pid of processesOf(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
