/**
 * Rollback and expand/contract on a populated database (`npm run seed`, agents run):
 * - `migration:revert` of every migration, one at a time (the first through the real CLI), works,
 *   and every table a `down` keeps keeps all its rows; running them again keeps them too;
 * - every migration after the first is additive (docs/operations.md, "Expand, then contract"): no
 *   table or column of the schema before it is dropped or changes type or becomes NOT NULL, and a
 *   column it adds to an existing table is nullable or has a default, so the instances of the
 *   previous release keep working while it runs; a migration that removes something on purpose
 *   (the contract step, a release later) names it in `contracts`;
 * - after the migrations, every operation of the release's clients
 *   (test/fixtures/release-operations.graphql) answers without an error;
 * - reverting InitialSchema too leaves no table behind, and the migrations build the schema again.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource, MigrationInterface } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { TABLES } from '../../src/db/tables';
import { releaseOperations } from '../support/release-operations';
import { useTestServer } from '../support/use-test-server';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const { db, startServer, cleanup } = useTestServer('rollback', null);
let ds: DataSource;

const npm = (script: string, ...args: string[]) =>
  exec('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url },
    maxBuffer: 16 << 20,
  });

beforeAll(async () => {
  await npm('seed', '--users', '200', '--interactions', '5000', '--content', '150', '--logs', '200', '--seed', '11');
  ds = createDataSource({ url: db.url, poolMax: 3 });
  ds.setOptions({ logging: false });
  await ds.initialize();
  cleanup(() => ds.destroy());
}, 180_000);

interface Column {
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}
type Catalog = Map<string, Column>; // "table.column"

async function catalog(): Promise<Catalog> {
  const { rows } = await db.pool.query(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES' AS nullable, c.column_default IS NOT NULL AS has_default
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'migrations'`,
  );
  return new Map(
    rows.map((r) => [`${r.table_name}.${r.column_name}`, { type: r.data_type, nullable: r.nullable, hasDefault: r.has_default }]),
  );
}

const rowCounts = async () => {
  const present = new Set(
    (await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename),
  );
  const counts: Record<string, number> = {};
  for (const table of TABLES.filter((t) => present.has(t)))
    counts[table] = Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return counts;
};

const executed = async (): Promise<string[]> => (await db.pool.query(`SELECT name FROM migrations ORDER BY id`)).rows.map((r) => r.name);

/** What `next` (the schema after `migration`) breaks for code written against `prev`. */
function breakingChanges(prev: Catalog, next: Catalog, migration: MigrationInterface): string[] {
  const contracts = new Set((migration as { contracts?: string[] }).contracts ?? []);
  // Columns a BEFORE INSERT trigger of the migration fills: an INSERT that leaves them out still works (checked below).
  const filled = new Set((migration as { filledOnInsert?: string[] }).filledOnInsert ?? []);
  const tables = new Set([...prev.keys()].map((k) => k.split('.')[0]));
  const problems: string[] = [];
  for (const [key, before] of prev) {
    const after = next.get(key);
    if (contracts.has(key) || contracts.has(key.split('.')[0])) continue;
    if (!after) problems.push(`${migration.name} drops ${key}`);
    else if (after.type !== before.type) problems.push(`${migration.name} changes ${key} from ${before.type} to ${after.type}`);
    else if (before.nullable && !after.nullable) problems.push(`${migration.name} makes ${key} NOT NULL`);
  }
  for (const [key, after] of next) {
    if (!prev.has(key) && tables.has(key.split('.')[0]) && !after.nullable && !after.hasDefault && !filled.has(key)) {
      problems.push(`${migration.name} adds ${key} NOT NULL without a default: the previous release's INSERTs fail`);
    }
  }
  return problems;
}

test('every migration reverts on a populated database keeping the rows; each one after the first is additive; the release operations answer', async () => {
  const counts = await rowCounts();
  expect(counts.user_interactions).toBe(5000);
  const names = await executed();
  expect(names[0]).toMatch(/^InitialSchema/);
  const byName = new Map(ds.migrations.map((m) => [m.name!, m]));

  // Down to InitialSchema, one at a time: the catalog at each level, the rows after each revert.
  const levels: Catalog[] = [await catalog()];
  const cli = await npm('migration:revert');
  expect(cli.stdout).toContain(`Migration ${names[names.length - 1]} has been reverted successfully`);
  for (;;) {
    levels.unshift(await catalog());
    expect(await rowCounts()).toEqual(counts);
    if ((await executed()).length === 1) break;
    await ds.undoLastMigration();
  }
  expect(levels).toHaveLength(names.length);
  const problems = names.slice(1).flatMap((name, i) => breakingChanges(levels[i], levels[i + 1], byName.get(name)!));
  expect(problems).toEqual([]);

  await ds.runMigrations();
  expect(await executed()).toEqual(names);
  expect(await rowCounts()).toEqual(counts);
  expect(await catalog()).toEqual(levels[levels.length - 1]);

  // The previous release's INSERT of a published content (no format) still works: the trigger fills it from the plan.
  const { rows: old } = await db.pool.query(
    `INSERT INTO published_content (content_plan_id, platform, url, published_at)
     SELECT id, 'youtube', 'https://example.com/old-release', now() FROM content_plans ORDER BY id LIMIT 1
     RETURNING format, (SELECT format FROM content_plans cp WHERE cp.id = content_plan_id) AS plan_format`,
  );
  expect(old[0].format).toBe(old[0].plan_format);
  await db.pool.query(`DELETE FROM published_content WHERE url = 'https://example.com/old-release'`);

  const server = await startServer({});
  for (const op of releaseOperations()) {
    const res = await server.gql(op.query);
    expect({ [op.name]: res.errors ?? [] }).toEqual({ [op.name]: [] });
  }
  await server.stop();
}, 300_000);

test('reverting InitialSchema too drops every table; the migrations build the schema again', async () => {
  while ((await executed()).length > 0) await ds.undoLastMigration();
  const { rows } = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  expect(rows.map((r) => r.tablename)).toEqual(['migrations']);
  await ds.runMigrations();
  expect(await ds.showMigrations()).toBe(false);
  expect(Object.values(await rowCounts()).every((n) => n === 0)).toBe(true);
}, 120_000);

test('the additivity check names what breaks the previous release, and lets a declared contract through', () => {
  const col = (type: string, nullable = true, hasDefault = false): Column => ({ type, nullable, hasDefault });
  const prev: Catalog = new Map([
    ['t.a', col('integer')],
    ['t.b', col('text')],
    ['t.c', col('text')],
    ['t.d', col('bigint')],
  ]);
  const next: Catalog = new Map([
    ['t.a', col('integer', false)],
    ['t.c', col('integer')],
    ['t.d', col('bigint')],
    ['t.e', col('text', false)],
    ['t.f', col('text', false, true)],
    ['u.x', col('text', false)],
  ]);
  expect(breakingChanges(prev, next, { name: 'M', up: async () => undefined, down: async () => undefined })).toEqual([
    'M makes t.a NOT NULL',
    'M drops t.b',
    'M changes t.c from text to integer',
    "M adds t.e NOT NULL without a default: the previous release's INSERTs fail",
  ]);
  const contract = { name: 'M', contracts: ['t.b'], up: async () => undefined, down: async () => undefined };
  expect(breakingChanges(prev, next, contract)).not.toContain('M drops t.b');
});
