/**
 * The online DDL of the index migrations (src/db/online-ddl.ts): an INVALID index left by an
 * interrupted CREATE INDEX CONCURRENTLY is reported by db:verify-indexes and rebuilt by
 * `npm run migration:run` (the real CLI, whose transaction mode must admit `transaction = false`);
 * a lock held by a long transaction makes the build retry with backoff, then fail with a clear
 * error. The same migrations under ingest on 1M rows: test/ops/online-index-build.test.ts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { createIndexOnline } from '../src/db/online-ddl';
import { useTestServer } from './support/use-test-server';
import { until } from './support/wait';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '..');
const { db, cleanup } = useTestServer('online_ddl', null);
const warnings: string[] = [];
let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: db.url, poolMax: 4 });
  const none = () => undefined;
  ds.setOptions({
    logging: ['migration'],
    logger: {
      logQuery: none,
      logQueryError: none,
      logQuerySlow: none,
      logSchemaBuild: none,
      log: none,
      logMigration: (m) => warnings.push(m),
    },
  });
  await ds.initialize();
  cleanup(() => ds.destroy());
});

const cli = (script: string, ...args: string[]) =>
  exec('npm', ['run', '--silent', script, '--', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: db.url } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

const validity = async (name: string) =>
  (
    await db.pool.query(
      `SELECT i.indisvalid AS valid, i.indisunique AS "unique" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
      [name],
    )
  ).rows[0] as { valid: boolean; unique: boolean } | undefined;

test('an INVALID contract index fails db:verify-indexes; npm run migration:run drops it and builds it again', async () => {
  const executed = async () => (await db.pool.query(`SELECT name FROM migrations ORDER BY id DESC`)).rows.map((r) => r.name as string);
  while (!(await executed())[0].startsWith('AddPerformanceIndexes')) await ds.undoLastMigration();
  await ds.undoLastMigration();
  expect(await validity('idx_user_interaction_user_timestamp')).toBeUndefined();

  // An interrupted build: a CONCURRENTLY build that fails half-way leaves its index INVALID.
  const { rows } = await db.pool.query(`INSERT INTO community_users (handle, platform) VALUES ('dup', 'x') RETURNING id`);
  await db.pool.query(
    `INSERT INTO user_interactions (user_id, interaction_type, "timestamp") VALUES ($1, 'view', '2026-01-01'), ($1, 'like', '2026-01-01')`,
    [rows[0].id],
  );
  await expect(
    db.pool.query(`CREATE UNIQUE INDEX CONCURRENTLY idx_user_interaction_user_timestamp ON user_interactions (user_id, "timestamp")`),
  ).rejects.toThrow(/could not create unique index/);
  expect(await validity('idx_user_interaction_user_timestamp')).toEqual({ valid: false, unique: true });

  const invalid = await cli('db:verify-indexes');
  expect(invalid.code).toBe(1);
  expect(invalid.stderr).toContain('INVALID  idx_user_interaction_user_timestamp on user_interactions');
  expect(invalid.stderr).toContain('REINDEX INDEX CONCURRENTLY "idx_user_interaction_user_timestamp"');

  const migrated = await cli('migration:run');
  expect(migrated.code).toBe(0);
  expect(migrated.stdout + migrated.stderr).toContain('index idx_user_interaction_user_timestamp is INVALID');
  expect(await validity('idx_user_interaction_user_timestamp')).toEqual({ valid: true, unique: false });

  const fixed = await cli('db:verify-indexes');
  expect(fixed.code).toBe(0);
  expect(fixed.stdout).toContain('ok: all 3 contract indexes are present and every index is valid');
  expect(fixed.stdout).toMatch(/idx_user_interaction_user_timestamp +\d+ (bytes|kB|MB) +(uses it|does not use it)/);
  expect(await ds.showMigrations()).toBe(false);
}, 180_000);

describe('a long transaction holding the table', () => {
  let holder: Client;
  beforeEach(async () => {
    holder = new Client({ connectionString: db.url });
    await holder.connect();
    await holder.query(`BEGIN; LOCK TABLE community_users IN SHARE UPDATE EXCLUSIVE MODE`);
  });
  afterEach(() => holder.end());

  test('the build gives up after its attempts with an error naming the table and the fix; nothing is left behind', async () => {
    const queryRunner = ds.createQueryRunner();
    try {
      await expect(
        createIndexOnline(
          queryRunner,
          { name: 'idx_lock_probe', table: 'community_users', definition: '("handle")' },
          { lockTimeoutMs: 50, attempts: 3, backoffMs: 10 },
        ),
      ).rejects.toThrow(
        /could not lock index idx_lock_probe on community_users within lock_timeout 50 ms in 3 attempts: a long transaction holds it .*pg_stat_activity/,
      );
    } finally {
      await queryRunner.release();
    }
    expect(warnings.filter((w) => w.includes('idx_lock_probe') && w.includes('retrying'))).toHaveLength(2);
    expect(await validity('idx_lock_probe')).toBeUndefined();
  });

  test('the build retries with backoff and succeeds once the transaction ends', async () => {
    const queryRunner = ds.createQueryRunner();
    try {
      const build = createIndexOnline(
        queryRunner,
        { name: 'idx_lock_probe', table: 'community_users', definition: '("handle")' },
        { lockTimeoutMs: 50, attempts: 20, backoffMs: 20 },
      );
      await until('a retried attempt', () => warnings.some((w) => w.includes('idx_lock_probe') && w.includes('attempt 1 of 20')));
      await holder.query('COMMIT');
      await build;
    } finally {
      await queryRunner.release();
    }
    expect(await validity('idx_lock_probe')).toEqual({ valid: true, unique: false });
    await db.pool.query('DROP INDEX idx_lock_probe');
  });
});
