/**
 * Online index migrations on a populated database (1.05M interactions, seeded with one INSERT ...
 * SELECT generate_series): the index migrations' down then up (AgentIndexes and
 * AddPerformanceIndexes, the statements `migration:revert` and `migration:run` execute; called on
 * their instances so that later migrations of other features stay in place) while 4 clients ingest
 * without pause through `recordInteractions` over HTTP.
 *
 * The server's connections run with lock_timeout = 200 ms (ALTER DATABASE ... SET, this test's
 * database only), so an ingest statement that waited more than 200 ms on a lock held by an index
 * build fails: every call must succeed. The control case shows the check bites: a plain CREATE INDEX
 * under the same load fails ingest calls. The max ingest call time is printed (not asserted: it
 * depends on the machine). `npm run test:ops` (jest.ops.config.js) runs this, and CI does.
 */
import { createDataSource } from '../../src/db/data-source';
import { TestServer } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

const USERS = 10_000;
const INTERACTIONS = 1_050_000;
const LOCK_TIMEOUT_MS = 200;
const CLIENTS = 4;
const BATCH = 20;
const INDEXES = [
  'idx_user_interaction_user_timestamp',
  'idx_community_user_tier_engagement',
  'idx_published_content_platform_published',
  'idx_community_users_tier_score_id',
  'idx_user_interactions_timestamp_user_type',
];
const RECORD = 'mutation Ingest($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

const { db, startServer, cleanup } = useTestServer('online_index', null);
let firstUser: number;
let server: TestServer;

beforeAll(async () => {
  await db.pool.query(`INSERT INTO community_users (handle, platform) SELECT 'u' || g, 'youtube' FROM generate_series(1, $1::int) g`, [
    USERS,
  ]);
  firstUser = (await db.pool.query(`SELECT min(id)::int AS id FROM community_users`)).rows[0].id;
  await db.pool.query(
    `INSERT INTO user_interactions (user_id, interaction_type, "timestamp")
     SELECT $1::int + ((g::bigint * 7919) % $2::int)::int, (ARRAY['view','like','comment','share','click'])[1 + g % 5],
            now() - (g % 8000000) * interval '1 second'
     FROM generate_series(1, $3::int) g`,
    [firstUser, USERS, INTERACTIONS],
  );
  await db.pool.query('VACUUM ANALYZE user_interactions');
  await db.pool.query(`ALTER DATABASE "${db.name}" SET lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
  server = await startServer({}); // connects after the ALTER: its sessions have the lock_timeout
  const { rows } = await server.pool.query(`SHOW lock_timeout`);
  expect(rows[0].lock_timeout).toBe(`${LOCK_TIMEOUT_MS}ms`);
}, 600_000);

interface Ingest {
  /** Call durations (ms) of the successful calls made while `during` ran. */
  during: number[];
  failures: string[];
  /** Calls that overlapped `during` and failed. */
  failedDuring: number;
}

/** Runs `work` while CLIENTS loops send BATCH-item recordInteractions calls, from before it starts until after it ends. */
async function whileIngesting(work: () => Promise<void>): Promise<Ingest> {
  let running = true;
  let phase: 'before' | 'during' | 'after' = 'before';
  const counts = { before: 0, during: 0, after: 0 };
  const result: Ingest = { during: [], failures: [], failedDuring: 0 };
  const loop = async (n: number) => {
    for (let i = 0; running; i++) {
      const input = Array.from({ length: BATCH }, (_, k) => ({
        userId: String(firstUser + ((n * 7919 + i * BATCH + k) % USERS)),
        type: 'VIEW',
      }));
      const started = phase;
      const t0 = performance.now();
      const res = await server.gql(RECORD, { input });
      const ms = performance.now() - t0;
      const overlapped = started === 'during' || phase === 'during';
      if (res.errors?.length || res.data?.recordInteractions?.inserted !== BATCH) {
        result.failures.push(JSON.stringify(res.errors ?? res.data));
        if (overlapped) result.failedDuring++;
      } else {
        counts[phase]++;
        if (overlapped) result.during.push(ms);
      }
    }
  };
  const loops = Array.from({ length: CLIENTS }, (_, n) => loop(n));
  try {
    await until('ingest to run before the migration', () => counts.before >= 2 * CLIENTS, 60_000);
    phase = 'during';
    await work();
    phase = 'after';
    await until('ingest to run after the migration', () => counts.after >= 2 * CLIENTS, 60_000);
  } finally {
    running = false;
    await Promise.all(loops);
  }
  return result;
}

test('revert and re-run of the index migrations on 1M interactions: ingest never waits 200 ms on a lock', async () => {
  const ds = createDataSource({ url: db.url, poolMax: 3 });
  ds.setOptions({ logging: false });
  await ds.initialize();
  cleanup(() => ds.destroy());
  const migration = (prefix: string) => ds.migrations.find((m) => m.name?.startsWith(prefix))!;
  const indexMigrations = [migration('AddPerformanceIndexes'), migration('AgentIndexes')];
  for (const m of indexMigrations) expect(m.transaction).toBe(false);
  const queryRunner = ds.createQueryRunner();
  cleanup(() => queryRunner.release());
  const present = async () =>
    (
      await db.pool.query(
        `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY($1) AND i.indisvalid`,
        [INDEXES],
      )
    ).rows.length;

  expect(await present()).toBe(INDEXES.length);
  let absentAfterDown = -1;
  const started = performance.now();
  const ingest = await whileIngesting(async () => {
    for (const m of [...indexMigrations].reverse()) await m.down(queryRunner); // migration:revert's order
    absentAfterDown = INDEXES.length - (await present());
    for (const m of indexMigrations) await m.up(queryRunner);
  });
  const migrationMs = performance.now() - started;

  expect(absentAfterDown).toBe(INDEXES.length);
  expect(await present()).toBe(INDEXES.length);
  expect(ingest.failures).toEqual([]);
  expect(ingest.during.length).toBeGreaterThan(CLIENTS); // ingest went on while the indexes were built
  const max = Math.max(...ingest.during);
  console.log(
    `online index migrations on ${INTERACTIONS} interactions: revert + run took ${Math.round(migrationMs)} ms; ` +
      `${ingest.during.length} ingest calls during it, none failed (lock_timeout ${LOCK_TIMEOUT_MS} ms); max call ${Math.round(max)} ms`,
  );
}, 600_000);

test('control: a plain CREATE INDEX under the same load makes ingest calls wait past lock_timeout and fail', async () => {
  const ingest = await whileIngesting(async () => {
    await db.pool.query(`CREATE INDEX idx_control_plain ON user_interactions (user_id, "timestamp", interaction_type)`);
  });
  await db.pool.query(`DROP INDEX idx_control_plain`);
  expect(ingest.failedDuring).toBeGreaterThan(0);
}, 600_000);
