/**
 * `npm start` as a user runs it, without DATABASE_URL: it compiles only when a source changed,
 * starts its own PostgreSQL 15 on EMBEDDED_PG_PORT with its data under DATA_DIR, migrates and
 * answers; a SIGTERM or SIGINT sent to the npm process alone (not its group) stops node and the
 * embedded PostgreSQL (a clean shutdown: no postmaster.pid left) within SHUTDOWN_TIMEOUT_MS, with no
 * process of its data folder left; the data survives. (A signal straight to node: shutdown.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_DATABASE, embeddedUrl } from '../../src/db/embedded';
import { freePort } from '../support/net';
import { cleanUp, firstAnswer, gql, launch, processesOf, root, tempDir } from './helpers';

jest.setTimeout(240_000);

const SHUTDOWN_TIMEOUT_MS = 5000;
const dir = tempDir('creator-npm-start-', 0o755);
const dataDir = path.join(dir, 'data');
afterAll(() => cleanUp(dir));

async function npmStart(port: number, pgPort: number) {
  const app = launch('npm', {
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  });
  await firstAnswer(app, port, '{ insights(first: 1) { totalCount } }', 120_000);
  return app;
}

/** Sends the signal to the npm process only; every process of the data folder is gone within the timeout. */
async function stopThroughNpm(app: ReturnType<typeof launch>, signal: NodeJS.Signals) {
  expect(processesOf(dataDir).length).toBeGreaterThanOrEqual(3); // npm, node, postgres (and its workers)
  const sent = Date.now();
  app.proc.kill(signal);
  const exit = await app.exited;
  while (processesOf(dataDir).length > 0 && Date.now() - sent < SHUTDOWN_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 50));
  expect(processesOf(dataDir)).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(app.output()).toContain('"msg":"stopped"');
}

test('npm start: one build, stops on SIGTERM or SIGINT to npm, data kept, a changed source rebuilt', async () => {
  const port = await freePort();
  const pgPort = await freePort();

  const first = await npmStart(port, pgPort); // builds if dist/ is stale
  const created = await gql(port, 'mutation { createInsight(input: { topic: "kept across restarts", score: 0.5 }) { id } }');
  expect(created.data.createInsight.id).toBeDefined();
  // The app's database is the embedded server on EMBEDDED_PG_PORT.
  const direct = new Client({ connectionString: embeddedUrl(pgPort, EMBEDDED_DATABASE) });
  await direct.connect();
  try {
    const { rows } = await direct.query('SELECT topic FROM insights WHERE id = $1', [created.data.createInsight.id]);
    expect(rows).toEqual([{ topic: 'kept across restarts' }]);
  } finally {
    await direct.end();
  }
  await stopThroughNpm(first, 'SIGTERM');

  // Nothing changed: no compile, the data is still there.
  const second = await npmStart(port, pgPort);
  expect(second.output()).not.toContain('building dist/');
  const topics = await gql(port, '{ insights(first: 100) { nodes { topic } } }');
  expect(topics.data.insights.nodes.map((n: any) => n.topic)).toContain('kept across restarts');
  await stopThroughNpm(second, 'SIGINT');

  // A saved source file (same content, newer time) is compiled again before the next start.
  const source = path.join(root, 'src', 'startup-error.ts');
  const now = new Date();
  fs.utimesSync(source, now, now);
  const third = await npmStart(port, pgPort);
  expect(third.output()).toContain('building dist/ (src changed)');
  await stopThroughNpm(third, 'SIGTERM');
});
