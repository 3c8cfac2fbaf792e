/**
 * `npm start` without DATABASE_URL: the app starts its own PostgreSQL 15 under DATA_DIR, runs the
 * migrations and serves; SIGTERM/SIGINT stop PostgreSQL with the app (no orphan), and the data
 * survives a restart. Runs the real entry point in a child process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support/net';
import { alive } from '../src/db/embedded';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-embedded-'));

function postmasterPid(): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
}

async function startApp(port: number, pgPort: number): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/main.ts'], { cwd: root, env });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('serving GraphQL')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => reject(new Error(`server exited early:\n${out}`)));
  });
  return { child, exited };
}

async function gql(port: number, query: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return res.json() as Promise<any>;
}

afterAll(() => {
  const pid = postmasterPid();
  if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test.each(['SIGTERM', 'SIGINT'] as const)(
  'embedded PostgreSQL starts with the app and stops with it on %s; data survives',
  async (signal) => {
    const port = await freePort();
    const pgPort = await freePort();
    const first = await startApp(port, pgPort);
    const pid = postmasterPid();
    expect(pid && alive(pid)).toBeTruthy();
    // Write through the embedded server itself, then read through the API.
    const { Client } = await import('pg');
    const c = new Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/creator` });
    await c.connect();
    await c.query(`INSERT INTO insights (topic, score) VALUES ($1, 0.5)`, [`kept across ${signal}`]);
    await c.end();
    expect((await gql(port, '{ insights { totalCount } }')).data.insights.totalCount).toBeGreaterThan(0);

    first.child.kill(signal);
    expect(await first.exited).toBe(0);
    expect(alive(pid!)).toBe(false);

    const second = await startApp(port, pgPort);
    const topics = (await gql(port, '{ insights(first: 100) { nodes { topic } } }')).data.insights.nodes.map((n: any) => n.topic);
    expect(topics).toContain(`kept across ${signal}`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postmasterPid()).toBeNull();
  },
);
