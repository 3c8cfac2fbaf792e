import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { CONTRACT_INDEXES, hasContractColumns } from '../src/db/contract-indexes';
import { useTestServer } from './support/use-test-server';

const run = promisify(execFile);
const { db, cleanup } = useTestServer('migrations', null);
let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ url: db.url });
  ds.setOptions({ logging: false });
  await ds.initialize();
  cleanup(() => ds.destroy());
});

const indexNames = async (): Promise<string[]> =>
  (await db.pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.indexname);

test('entities and migrations agree: no pending schema change after every migration has run', async () => {
  expect(await ds.showMigrations()).toBe(false);
  const sql = await ds.driver.createSchemaBuilder().log();
  expect(sql.upQueries.map((q) => q.query)).toEqual([]);
});

test('the contract indexes exist with their exact columns', async () => {
  const { rows } = await db.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY($1)`, [
    CONTRACT_INDEXES.map((i) => i.name),
  ]);
  expect(rows).toHaveLength(3);
  for (const idx of CONTRACT_INDEXES) {
    const def = rows.find((r) => r.indexname === idx.name)?.indexdef;
    expect({ [idx.name]: def }).toEqual({ [idx.name]: expect.any(String) });
    expect({ [def]: hasContractColumns(def, idx) }).toEqual({ [def]: true });
  }
});

test('reverting AddPerformanceIndexes drops exactly the three contract indexes; db:verify-indexes notices', async () => {
  const before = await indexNames();
  const script = path.resolve(__dirname, '..', 'scripts', 'verify-indexes.ts');
  const env = { ...process.env, DATABASE_URL: db.url };
  const tsNode = [require.resolve('ts-node/dist/bin.js'), '--transpile-only', script];

  const okRun = await run(process.execPath, tsNode, { env });
  expect(okRun.stdout).toContain('ok: all 3 contract indexes are present and every index is valid');

  // Later migrations first, then AddPerformanceIndexes itself: the difference is exactly its indexes.
  const performanceIndexes = 'AddPerformanceIndexes';
  const executed = async () => (await db.pool.query(`SELECT name FROM migrations ORDER BY id DESC`)).rows.map((r) => r.name as string);
  while (!(await executed())[0].startsWith(performanceIndexes)) await ds.undoLastMigration();
  const withIndexes = await indexNames();
  await ds.undoLastMigration();
  const after = await indexNames();
  expect(withIndexes.filter((n) => !after.includes(n)).sort()).toEqual(CONTRACT_INDEXES.map((i) => i.name).sort());
  expect(after.filter((n) => !withIndexes.includes(n))).toEqual([]);

  const failed = await run(process.execPath, tsNode, { env }).then(
    () => null,
    (err) => err,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stderr).toContain('MISSING  idx_user_interaction_user_timestamp');

  await ds.runMigrations();
  expect(await indexNames()).toEqual(before);
});
