/**
 * `npm run db:backup` / `npm run db:restore` (scripts/backup.ts) with the real pg_dump/pg_restore:
 * a database filled by `npm run seed` (agents run) is backed up, restored into a new database, a
 * server is started on the copy, and every aggregate operation of the release's clients
 * (test/fixtures/release-operations.graphql, the Aggregate* ones) answers exactly as on the
 * original; the row counts match. Also: a restore refuses a database that has tables, and the
 * client tools of another major version are refused with a one-line error.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { TABLES } from '../../src/db/tables';
import { withDatabase } from '../../src/db/url';
import { findTool } from '../../scripts/backup';
import { releaseOperations } from '../support/release-operations';
import { describeWith } from '../support/services';
import { ok, startTestServer } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const { db, server, cleanup } = useTestServer('backup', {});
const restoredName = `${db.name}_restored`;
const restoredUrl = withDatabase(db.url, restoredName);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-backup-'));
const file = path.join(dir, 'creator.dump');

const npm = (script: string, url: string, ...args: string[]) =>
  exec('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    maxBuffer: 16 << 20,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const rowCounts = async (url: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
};

describeWith('pgtools', 'backup and restore with the real client tools', () => {
  beforeAll(async () => {
    const seeded = await npm(
      'seed',
      db.url,
      '--users',
      '300',
      '--interactions',
      '8000',
      '--content',
      '300',
      '--logs',
      '300',
      '--seed',
      '7',
    );
    expect(seeded.code).toBe(0);
    cleanup(async () => {
      await admin(`DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }, 180_000);

  test('backup, restore into a new database, a server on it: every aggregate answers exactly as before', async () => {
    const aggregates = releaseOperations().filter((op) => op.name.startsWith('Aggregate'));
    expect(aggregates.length).toBeGreaterThanOrEqual(8);
    const before = [];
    for (const op of aggregates) before.push(ok(await server.gql(op.query)));
    expect(JSON.stringify(before)).toContain('"contentCount"'); // the seed made content for them to aggregate

    const backup = await npm('db:backup', db.url, file);
    expect(backup.code).toBe(0);
    // Partitioned (docs/data-model.md "Partitions"): its rows are dumped month partition by month partition.
    expect(backup.stdout).toMatch(/dumping contents of table "public\.user_interactions_p\d{4}_\d{2}"/);
    expect(backup.stdout).toMatch(/done: .*creator\.dump, [\d.]+ (kB|MB) in/);

    await admin(`CREATE DATABASE "${restoredName}"`);
    const restore = await npm('db:restore', restoredUrl, file);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/processing data for table "public\.user_interactions_p\d{4}_\d{2}"/);
    expect(await rowCounts(restoredUrl)).toEqual(await rowCounts(db.url));

    const copy = await startTestServer(restoredUrl, {});
    try {
      for (const [i, op] of aggregates.entries()) expect({ [op.name]: ok(await copy.gql(op.query)) }).toEqual({ [op.name]: before[i] });
    } finally {
      await copy.stop();
    }
  }, 180_000);

  test('a restore refuses a database that already has tables, with the way out', async () => {
    const refused = await npm('db:restore', db.url, file);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/already has \d+ tables: restore into an empty database .*or pass --clean/);
  }, 60_000);

  test('client tools of another major version than the server are refused, naming what to install', () => {
    expect(findTool('pg_dump', 15)).toMatch(/pg_dump$/);
    expect(() => findTool('pg_dump', 99, {})).toThrow(
      /^pg_dump for PostgreSQL 99 \(the server's major version\) not found \(.*pg_dump is 15.*\): .*apt-get install postgresql-client-99/,
    );
  });
});
