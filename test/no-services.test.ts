/**
 * `npm test` on a machine with nothing but Node: no PostgreSQL at DATABASE_URL, no Redis, no
 * Chromium. A nested jest run of two files that need them (one with database, memory-cache and
 * Redis cases, one browser test) passes: global setup starts its own embedded PostgreSQL for the
 * database cases, the Redis and Chromium cases skip, and the summary at the end names each skipped
 * group, its files and why. The full suite runs the same way (README.md, "Tests").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support/net';

jest.setTimeout(300_000);

const root = path.join(__dirname, '..');
const REDIS_FILE = 'test/agents/agent-reads-cache.test.ts';
const BROWSER_FILE = 'test/frontend/graphiql-key.test.ts';

interface JestJson {
  success: boolean;
  numFailedTests: number;
  testResults: { name: string; status: string; assertionResults: { status: string; fullName: string }[] }[];
}

test('no PostgreSQL, Redis or Chromium: passes on an embedded PostgreSQL and says what it skipped', async () => {
  const noPostgres = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
  const noRedis = `redis://127.0.0.1:${await freePort()}`;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-no-services-'));
  const noChromium = path.join(out, 'chromium');
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: noPostgres, REDIS_TEST_URL: noRedis, CHROMIUM_PATH: noChromium };
  // This run's own answers must not leak into the nested one; CI would refuse to skip.
  for (const name of ['CI', 'TEST_SERVICES', 'TEST_POSTGRES', 'TEST_ADMIN_URL', 'TEST_TEMPLATE_DB', 'JEST_WORKER_ID']) delete env[name];
  const json = path.join(out, 'results.json');
  try {
    const run = spawn(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--maxWorkers=1', '--json', `--outputFile=${json}`, REDIS_FILE, BROWSER_FILE],
      { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    run.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    const results = JSON.parse(fs.readFileSync(json, 'utf8')) as JestJson;
    expect(results.numFailedTests).toBe(0);
    const file = (name: string) => results.testResults.find((r) => r.name === path.join(root, name))!.assertionResults;
    const counts = (name: string) => ({
      passed: file(name).filter((t) => t.status === 'passed').length,
      skipped: file(name).filter((t) => t.status === 'pending').length,
    });
    // The memory-backend cases ran on the embedded PostgreSQL; every Redis case skipped, saying why.
    const redis = counts(REDIS_FILE);
    expect(redis.passed).toBeGreaterThan(0);
    expect(redis.skipped).toBeGreaterThan(0);
    for (const t of file(REDIS_FILE).filter((r) => r.status === 'pending'))
      expect(t.fullName).toContain(`(skipped: no Redis at ${noRedis})`);
    expect(counts(BROWSER_FILE)).toEqual({ passed: 0, skipped: file(BROWSER_FILE).length });

    // The summary: what the run used, and each skipped group with its files and its fix.
    const summary = stderr.slice(stderr.lastIndexOf('\nRan on:\n'));
    expect(summary).toMatch(
      new RegExp(
        `^  embedded PostgreSQL 15 on 127\\.0\\.0\\.1:\\d+, .*\\(no PostgreSQL answered at ${escape(noPostgres)}: ECONNREFUSED\\)$`,
        'm',
      ),
    );
    expect(summary).toContain(`  Redis: missing (no Redis at ${noRedis})\n`);
    expect(summary).toContain(`  Chromium: missing (no Chromium at ${noChromium})\n`);
    expect(summary).toContain(`Skipped for a missing service: ${redis.skipped + counts(BROWSER_FILE).skipped} tests\n`);
    expect(summary).toContain(
      `  no Redis at ${noRedis}: ${redis.skipped} tests in 1 file (to run them: start redis-server, or set REDIS_TEST_URL)\n    ${REDIS_FILE}\n`,
    );
    expect(summary).toContain(`  no Chromium at ${noChromium}: ${counts(BROWSER_FILE).skipped} test`);
    expect(summary).toContain(`(to run them: apt-get install chromium, or set CHROMIUM_PATH)\n    ${BROWSER_FILE}\n`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
