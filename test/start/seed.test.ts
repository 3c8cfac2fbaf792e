/**
 * `npm run seed` on the embedded PostgreSQL, as a new user runs it: data anchored at now by default
 * (a pinned --anchor gives exactly the generator's rows for it), the four agents run at the end so
 * that the README's CHAMPION example answers at once, and a database that holds rows is refused
 * unless --reset, which lists what it deletes first. Seeds started while the server runs share it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded';
import { initialisedDataDir } from '../support/initdb-once';
import { freePort } from '../support/net';
import { readmeQuery } from '../support/readme';
import { startTestServer } from '../support/server';
import { parseSeedArgs } from '../../scripts/seed';
import { interactionRows } from '../../scripts/seed/rows';
import { cleanUp, root, tempDir } from './helpers';

jest.setTimeout(120_000);

// The seed as a new user runs it: on the embedded PostgreSQL of `npm start` (DATABASE_URL unset).
const dir = tempDir('creator-seed-', 0o755);
const env = { DATA_DIR: path.join(dir, 'data'), EMBEDDED_PG_PORT: '' };
let embedded: EmbeddedDatabase | null = null;
let pool: Pool;
beforeAll(async () => {
  env.EMBEDDED_PG_PORT = String(await freePort());
  // Initialised already (initdb once per run, npm-start.test.ts has a first start): the seed migrates it.
  await initialisedDataDir(env.DATA_DIR);
});
afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
  cleanUp(dir);
});

/** The embedded server of the data folder, started here; seeds run while it runs share it. */
async function database(): Promise<Pool> {
  embedded ??= await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: Number(env.EMBEDDED_PG_PORT), database: EMBEDDED_DATABASE });
  if (!pool) {
    pool = new Pool({ connectionString: embedded.url, max: 2 });
    // pool.end() lets go of its clients before their sockets close: PostgreSQL's shutdown may still reach one.
    pool.on('error', () => undefined);
  }
  return pool;
}

/** What `npm run seed` runs (dist/scripts/seed.js, built by global setup), without npm's own start-up. */
function seed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  const proc = spawn(process.execPath, ['dist/scripts/seed.js', ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stderr })));
}

const SIZE = ['--users', '300', '--interactions', '15000', '--content', '300', '--logs', '300'];

const one = async (sql: string) => (await (await database()).query(sql)).rows[0];

test('seeded now, agents run: the README CHAMPION example returns rows at once', async () => {
  const before = Date.now();
  const run = await seed(...SIZE);
  expect(run.code).toBe(0);
  const anchor = /anchor (\S+) \(--anchor \1 makes these rows again\)/.exec(run.stderr)![1];
  expect(Date.parse(anchor)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(Date.parse(anchor)).toBeLessThanOrEqual(Date.now());
  for (const agent of ['ConversionAgent', 'PerformanceAnalyticsAgent', 'StrategyTuningAgent', 'AnalyticsAgent']) {
    expect(run.stderr).toMatch(new RegExp(`^${agent}: .* \\(\\d+ ms\\)$`, 'm'));
  }
  const newest = await one('SELECT max(timestamp) AS t FROM user_interactions');
  expect(newest.t.getTime()).toBeLessThanOrEqual(Date.parse(anchor));
  expect(newest.t.getTime()).toBeGreaterThan(Date.parse(anchor) - 86_400_000);
  // Ids after the 300 seeded logs: the runs of the agents, one each.
  const runs = await one(`SELECT count(*)::int AS runs, count(DISTINCT agent_name)::int AS agents FROM agent_logs WHERE id > 300`);
  expect(runs).toEqual({ runs: 4, agents: 4 });

  const server = await startTestServer(embedded!.url);
  try {
    const answer = await server.gql(readmeQuery('tier: CHAMPION'));
    expect(answer.errors).toBeUndefined();
    expect(answer.data.communityUsers.nodes.length).toBeGreaterThan(0);
    const latest = await server.gql('{ latestPerformanceSnapshot { contentCount } currentStrategy { version } }');
    expect(latest.data.latestPerformanceSnapshot.contentCount).toBeGreaterThan(0);
    expect(latest.data.currentStrategy.version).toBe(1);
  } finally {
    await server.stop();
  }
});

test('a database with rows is refused; --reset lists and replaces them; a pinned anchor gives its exact rows', async () => {
  const counts = await one('SELECT (SELECT count(*) FROM community_users)::int AS users, (SELECT count(*) FROM agent_logs)::int AS logs');
  const refused = await seed(...SIZE);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/already holds rows \(insights \d+, .*community_users 300, .*\): add --reset to delete them and seed/);
  expect(await one('SELECT (SELECT count(*) FROM community_users)::int AS users, (SELECT count(*) FROM agent_logs)::int AS logs')).toEqual(
    counts,
  );

  const pinned = [...SIZE, '--anchor', '2025-06-01T12:00:00Z', '--no-agents', '--reset'];
  const reset = await seed(...pinned);
  expect(reset.code).toBe(0);
  expect(reset.stderr).toMatch(
    /deleting every row of .*: insights \d+, .*community_users 300, .*agent_logs 304, performance_snapshots 1, strategies 1\n/,
  );
  expect(reset.stderr.indexOf('--reset: deleting')).toBeLessThan(reset.stderr.indexOf('seeded '));
  expect(reset.stderr).not.toContain('ConversionAgent:'); // --no-agents
  expect(await one('SELECT count(*)::int AS n FROM agent_logs')).toEqual({ n: 300 });
  // Exactly the rows the generator makes for that anchor, in COPY's text form.
  const expected = createHash('md5')
    .update([...interactionRows(parseSeedArgs(pinned).spec)].join(''))
    .digest('hex');
  const stored = await one(
    `SELECT md5(string_agg(concat_ws(E'\\t', id, user_id, coalesce(content_id::text, '\\N'), interaction_type,
       to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) || E'\\n', '' ORDER BY id)) AS h FROM user_interactions`,
  );
  expect(stored.h).toBe(expected);
});
