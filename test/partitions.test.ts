/**
 * user_interactions partitioned by month (docs/data-model.md "Partitions", src/db/partitions.ts):
 * - the migration PartitionInteractions converts a populated plain table while writes go on: rows,
 *   ids and the identity sequence are kept, every concurrent insert and delete is reflected;
 * - the ConversionAgent's window scan reads only the month partitions it overlaps (EXPLAIN);
 * - writes with timestamps no month partition covers are accepted (the default partition), and
 *   the maintenance moves them into partitions of their own;
 * - retention drops whole partitions, and windows beyond it are refused (BAD_USER_INPUT);
 * - a worker vacuums the partitions that took INTERACTIONS_VACUUM_ROWS rows since their last vacuum,
 *   so that the incremental scoring's index-only scans fetch no heap page for fresh rows, and
 *   community_users once it holds USERS_VACUUM_ROWS dead rows (src/db/vacuum.ts).
 */
import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { RECOMPUTE_SQL, windowStart } from '../src/agents/conversion.agent';
import { createDataSource } from '../src/db/data-source';
import { createIndexOnline, dropIndexOnline } from '../src/db/online-ddl';
import {
  addMonths,
  DEFAULT_PARTITION,
  ensureMonths,
  maintainPartitions,
  monthPartitions,
  monthStart,
  partitionName,
  Sql,
} from '../src/db/partitions';
import { vacuumDue } from '../src/db/vacuum';
import { TIER_RANKS } from '../src/modules/community-user/tier-distribution';
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';
import { until } from './support/wait';
import { NO_SCHEDULES } from './agents/helpers';

const { db, server, startServer, cleanup } = useTestServer('partitions');
const f = factories(db.pool);
const sqlOf =
  (pool: Pool): Sql =>
  async (text, params) =>
    (await pool.query(text, params)).rows;
const partitionOf = async (id: string) =>
  (await db.pool.query(`SELECT tableoid::regclass::text AS p FROM user_interactions WHERE id = $1`, [id])).rows[0]?.p as string | undefined;
const MIGRATION = 'PartitionInteractions';

describe('the migration on a populated table', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = createDataSource({ url: db.url, poolMax: 3 });
    ds.setOptions({ logging: false });
    await ds.initialize();
    cleanup(() => ds.destroy());
  });

  const executed = async (): Promise<string[]> =>
    (await db.pool.query(`SELECT name FROM migrations ORDER BY id DESC`)).rows.map((r) => r.name as string);
  const relkind = async () =>
    (await db.pool.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'user_interactions'::regclass`)).rows[0].k;
  const rows = async () =>
    (await db.pool.query(`SELECT id::text, user_id, content_id, interaction_type, timestamp FROM user_interactions ORDER BY id`)).rows;

  test('rows, ids and the sequence are kept; inserts and deletes made during the copy are in the result', async () => {
    while (!(await executed())[0].startsWith(MIGRATION)) await ds.undoLastMigration();
    await ds.undoLastMigration();
    expect(await relkind()).toBe('r');

    const users = [await f.user(), await f.user(), await f.user()];
    const plan = await f.plan();
    const content = await f.content({ contentPlanId: plan.id });
    // 30,000 rows over two years, ids spread over 300,000 (several copy batches), some deleted.
    await db.pool.query(
      `INSERT INTO user_interactions (id, user_id, content_id, interaction_type, timestamp)
       SELECT g * 10, ($1::int[])[1 + g % 3], CASE WHEN g % 4 = 0 THEN $2::int END, (ARRAY['view','like','share'])[1 + g % 3],
              now() - (g * interval '35 minutes')
       FROM generate_series(1, 30000) g`,
      [users.map((u) => u.id), content.id],
    );
    await db.pool.query(`SELECT setval(pg_get_serial_sequence('user_interactions', 'id'), 400000)`);
    await db.pool.query(`DELETE FROM user_interactions WHERE id % 70 = 0`);
    const before = await rows();

    // Writes while the migration runs: inserts (ids from the sequence), and deletes of old rows.
    let writing = true;
    const inserted: string[] = [];
    const deleted: string[] = [];
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await db.pool.query(
          `INSERT INTO user_interactions (user_id, interaction_type, timestamp) VALUES ($1, 'click', now() - $2 * interval '1 day') RETURNING id::text`,
          [users[i % 3].id, i % 400],
        );
        inserted.push(r.rows[0].id);
        const victim = before[(i * 97) % before.length].id;
        if (!deleted.includes(victim)) {
          await db.pool.query(`DELETE FROM user_interactions WHERE id = $1`, [victim]);
          deleted.push(victim);
        }
      }
    })();
    await ds.runMigrations();
    writing = false;
    await writer;

    expect(await relkind()).toBe('p');
    const after = await rows();
    const kept = before.filter((r) => !deleted.includes(r.id));
    expect(after.filter((r) => !inserted.includes(r.id))).toEqual(kept);
    expect(after.filter((r) => inserted.includes(r.id)).map((r) => r.id)).toEqual(inserted);
    expect(inserted.length).toBeGreaterThan(0);
    // The identity goes on where it was: the next id follows the last one handed out.
    const last = inserted.length ? BigInt(inserted[inserted.length - 1]) : 400000n;
    const next = await f.interaction({ userId: users[0].id });
    expect(BigInt(next.id)).toBe(last + 1n);
    // A month partition for every month of the rows, none of them in the default partition.
    const months = new Set(after.map((r) => partitionName(monthStart(r.timestamp))));
    const partitions = (await monthPartitions(sqlOf(db.pool))).map((p) => p.name);
    for (const m of months) expect(partitions).toContain(m);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${DEFAULT_PARTITION}`)).rows[0].n).toBe(0);
    // Nothing of the conversion is left.
    const leftovers = await db.pool.query(
      `SELECT relname FROM pg_class WHERE relname IN ('user_interactions_next', 'user_interactions_changed', 'user_interactions_plain')
       UNION ALL SELECT proname FROM pg_proc WHERE proname = 'user_interactions_mirror'`,
    );
    expect(leftovers.rows).toEqual([]);
    expect(await ds.showMigrations()).toBe(false);
  }, 120_000);
});

describe('reads and writes on the partitioned table', () => {
  test("the ConversionAgent's window scan reads only the partitions of the window's months", async () => {
    const user = await f.user();
    const now = new Date();
    await ensureMonths(sqlOf(db.pool), new Date(now.getTime() - 201 * 86_400_000), now);
    await db.pool.query(
      `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
       SELECT $1, 'view', now() - g * interval '1 hour' FROM generate_series(0, 24 * 200) g`,
      [user.id],
    );
    await db.pool.query('ANALYZE user_interactions');
    const asOf = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 12)); // the 1st: the window spans 2 months
    const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) ${RECOMPUTE_SQL}`, [asOf, windowStart(asOf, 7), null, TIER_RANKS, null]);
    const scanned = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const rec = node as Record<string, unknown>;
      if (typeof rec['Relation Name'] === 'string' && rec['Relation Name'].startsWith('user_interactions'))
        scanned.add(rec['Relation Name']);
      for (const value of Object.values(rec)) (Array.isArray(value) ? value : [value]).forEach(walk);
    };
    walk(rows[0]['QUERY PLAN']);
    expect([...scanned].sort()).toEqual([partitionName(addMonths(monthStart(now), -1)), partitionName(monthStart(now))]);
  });

  test('timestamps outside every month partition are accepted (default partition), and the maintenance moves them out', async () => {
    const user = await f.user();
    const res = await server.gql(`mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }`, {
      input: [
        { userId: String(user.id), type: 'VIEW', timestamp: '2011-03-04T05:06:07Z' },
        { userId: String(user.id), type: 'LIKE', timestamp: '2045-06-07T08:09:10Z' },
      ],
    });
    expect(ok(res).recordInteractions).toEqual({ inserted: 2 });
    const ingest = await fetch(server.url.replace(/\/graphql$/, '/ingest/interactions'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify({ userId: user.id, type: 'SHARE', timestamp: '2012-01-31T23:59:59Z' })}\n`,
    });
    expect(ingest.status).toBe(200);
    const ids = (await db.pool.query(`SELECT id::text FROM user_interactions WHERE user_id = $1 ORDER BY timestamp`, [user.id])).rows.map(
      (r) => r.id as string,
    );
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(await partitionOf(id)).toBe(DEFAULT_PARTITION);

    const report = await maintainPartitions(sqlOf(db.pool), { retentionMonths: null });
    expect(report.created).toEqual(
      expect.arrayContaining(['user_interactions_p2011_03', 'user_interactions_p2012_01', 'user_interactions_p2045_06']),
    );
    expect(await Promise.all(ids.map(partitionOf))).toEqual([
      'user_interactions_p2011_03',
      'user_interactions_p2012_01',
      'user_interactions_p2045_06',
    ]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${DEFAULT_PARTITION}`)).rows[0].n).toBe(0);
    // A second run has nothing to do; the months ahead exist.
    expect(await maintainPartitions(sqlOf(db.pool), { retentionMonths: null })).toEqual({ created: [], dropped: [] });
    const names = (await monthPartitions(sqlOf(db.pool))).map((p) => p.name);
    expect(names).toContain(partitionName(addMonths(monthStart(new Date()), 3)));
  });
});

describe('online index migrations on the partitioned table', () => {
  test('createIndexOnline builds each partition CONCURRENTLY and attaches it; dropIndexOnline drops it', async () => {
    const ds = createDataSource({ url: db.url, poolMax: 2 });
    ds.setOptions({ logging: false });
    await ds.initialize();
    const qr = ds.createQueryRunner();
    try {
      await createIndexOnline(qr, {
        name: 'idx_test_partitioned',
        table: 'user_interactions',
        definition: '("interaction_type", "timestamp")',
      });
      const { rows } = await db.pool.query(
        `SELECT p.indisvalid AS valid, count(ii.inhrelid)::int AS attached,
                (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'user_interactions'::regclass) AS partitions
         FROM pg_index p LEFT JOIN pg_inherits ii ON ii.inhparent = p.indexrelid
         WHERE p.indexrelid = 'idx_test_partitioned'::regclass GROUP BY p.indisvalid`,
      );
      expect(rows[0].valid).toBe(true);
      expect(rows[0].attached).toBe(rows[0].partitions);
      // Again: nothing to do (IF NOT EXISTS, every partition attached).
      await createIndexOnline(qr, {
        name: 'idx_test_partitioned',
        table: 'user_interactions',
        definition: '("interaction_type", "timestamp")',
      });
      await dropIndexOnline(qr, 'idx_test_partitioned');
      const left = await db.pool.query(`SELECT relname FROM pg_class WHERE relname LIKE 'idx_test_partitioned%'`);
      expect(left.rows).toEqual([]);
    } finally {
      await qr.release();
      await ds.destroy();
    }
  });
});

describe('retention', () => {
  test('INTERACTIONS_RETENTION_MONTHS drops the partitions of months that ended before the cutoff, whole', async () => {
    const user = await f.user();
    await db.pool.query(
      `INSERT INTO user_interactions (user_id, interaction_type, timestamp) VALUES ($1, 'view', '2011-03-10Z'), ($1, 'view', now() - interval '20 days')`,
      [user.id],
    );
    const now = new Date();
    const report = await maintainPartitions(sqlOf(db.pool), { retentionMonths: 2, now });
    expect(report.dropped).toContain('user_interactions_p2011_03');
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 2);
    for (const p of await monthPartitions(sqlOf(db.pool))) expect(addMonths(p.month, 1) > cutoff).toBe(true);
    const { rows } = await db.pool.query(`SELECT min(timestamp) AS oldest FROM user_interactions`);
    expect(rows[0].oldest >= monthStart(cutoff)).toBe(true);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM user_interactions WHERE user_id = $1`, [user.id])).rows[0].n).toBe(1);
  });

  test("the job queue's maintain_partitions task (SCHEDULE_PARTITIONS) runs the maintenance with the server's retention", async () => {
    const worker = await startServer({
      WORKER: 'on',
      LOG_LEVEL: 'info',
      INTERACTIONS_RETENTION_MONTHS: '2',
      ...NO_SCHEDULES,
      AUTO_RECOMPUTE: 'false',
    });
    const user = await f.user();
    await db.pool.query(`INSERT INTO user_interactions (user_id, interaction_type, timestamp) VALUES ($1, 'view', '2013-05-05Z')`, [
      user.id,
    ]);
    await db.pool.query(`SELECT graphile_worker.add_job('maintain_partitions')`);
    const gone = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM user_interactions WHERE user_id = $1`, [user.id])).rows[0].n === 0;
    const logged = () =>
      worker.lines.some((l) => l.msg === 'partitions of user_interactions maintained' && l.dropped?.includes('user_interactions_p2013_05'));
    await until('the maintenance to drop 2013-05 and say so', logged);
    expect(await gone()).toBe(true);
    await worker.stop();
  });

  test('a window reaching beyond the retention is refused, BAD_USER_INPUT on input.windowDays, and records no run', async () => {
    const kept = await startServer({ INTERACTIONS_RETENTION_MONTHS: '3' });
    const runs = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM agent_logs`)).rows[0].n as number;
    const before = await runs();
    const res = await kept.gql(`mutation { recomputeEngagementScores(input: { windowDays: 120 }) { usersScored } }`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: ['input.windowDays'] });
    expect(res.errors?.[0].message).toMatch(/INTERACTIONS_RETENTION_MONTHS/);
    const queued = await kept.gql(
      `mutation { enqueueAgentRun(agent: CONVERSION, input: { windowDays: 30, asOf: "2020-01-01T00:00:00Z" }) { id } }`,
    );
    expect(queued.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.windowDays'] });
    expect(await runs()).toBe(before);
    // 84 days (28 x 3) always fit.
    expect(ok(await kept.gql(`mutation { recomputeEngagementScores(input: { windowDays: 84 }) { usersScored } }`))).toBeTruthy();
  });
});

describe("the worker's vacuums (INTERACTIONS_VACUUM_ROWS, USERS_VACUUM_ROWS)", () => {
  // A month of its own, far ahead: its partition holds only what these tests write (no dead rows
  // from the tests above, whose line pointers a VACUUM may leave behind and whose pages then stay
  // not all-visible).
  const MONTH = new Date(Date.UTC(2031, 2, 1));
  const target = () => partitionName(MONTH);
  beforeAll(async () => {
    await ensureMonths(sqlOf(db.pool), MONTH, MONTH);
  });
  const only = (interactionsRows: number) => ({ interactionsRows, usersDeadRows: 0 });
  const MSG = 'job queue: vacuumed what ingest and the incremental runs churned';
  const vacuums = async (name: string): Promise<number> =>
    (await db.pool.query(`SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE relname = $1`, [name])).rows[0].n;
  const inserted = async (name: string): Promise<number> =>
    (await db.pool.query(`SELECT n_ins_since_vacuum::int AS n FROM pg_stat_user_tables WHERE relname = $1`, [name])).rows[0].n;
  /**
   * The partition's pages, and how many of them the visibility map marks all-visible, as its last
   * VACUUM counted them (pg_class): an index-only scan fetches the heap page of an entry on any other.
   */
  const visibility = async (name: string): Promise<{ pages: number; allVisible: number }> =>
    (await db.pool.query(`SELECT relpages AS pages, relallvisible AS "allVisible" FROM pg_class WHERE relname = $1`, [name])).rows[0];
  const ingest = async (users: number[], n: number) => {
    await db.pool.query(
      `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
       SELECT ($1::int[])[1 + g % cardinality($1::int[])], 'like', '2031-03-10T12:00:00Z' FROM generate_series(1, $2) g`,
      [users, n],
    );
    // The inserting session's statistics reach pg_stat_user_tables within about a second of it going idle.
    await until('the inserts to show in the statistics', async () => (await inserted(target())) >= n);
  };

  test('vacuumDue vacuums only partitions at the threshold, and skips one that another session locks', async () => {
    const users = [(await f.user()).id, (await f.user()).id];
    await db.pool.query(`VACUUM user_interactions`); // every partition: the earlier tests' rows counted no more
    await ingest(users, 40);
    const before = await vacuums(target());
    expect(await vacuumDue(sqlOf(db.pool), only(1_000_000))).toEqual([]);
    expect(await vacuums(target())).toBe(before);

    // Held by a DDL-strength lock (SHARE UPDATE EXCLUSIVE, as another VACUUM holds it): skipped, not waited for.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${target()} IN SHARE UPDATE EXCLUSIVE MODE`);
      const started = Date.now();
      expect(await vacuumDue(sqlOf(db.pool), only(40))).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await vacuums(target())).toBe(before);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }

    const done = await vacuumDue(sqlOf(db.pool), only(40));
    expect(done).toEqual([expect.objectContaining({ name: target(), rows: expect.any(Number) })]);
    expect(done[0].rows).toBeGreaterThanOrEqual(40);
    expect(await vacuums(target())).toBe(before + 1);
    expect(await inserted(target())).toBe(0);
  });

  test('a worker vacuums a partition once it took INTERACTIONS_VACUUM_ROWS rows, not before; every page is then all-visible', async () => {
    const users = [(await f.user()).id, (await f.user()).id, (await f.user()).id];
    await db.pool.query(`VACUUM user_interactions`); // every partition: the earlier tests' rows counted no more
    const env = {
      WORKER: 'on',
      LOG_LEVEL: 'info',
      ...NO_SCHEDULES,
      AUTO_RECOMPUTE: 'false',
      VACUUM_CHECK_MS: '100',
      USERS_VACUUM_ROWS: '0',
    };
    const before = await vacuums(target());

    // Under the threshold: several checks pass and nothing is vacuumed.
    const high = await startServer({ ...env, INTERACTIONS_VACUUM_ROWS: '500' });
    await ingest(users, 300);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await vacuums(target())).toBe(before);
    expect(high.lines.some((l) => l.msg === MSG)).toBe(false);
    await high.stop();

    // At the threshold: vacuumed by the next check, said in the log, and every page of the partition all-visible.
    const low = await startServer({ ...env, INTERACTIONS_VACUUM_ROWS: '300' });
    await until('the worker to vacuum the partition', async () => (await vacuums(target())) > before);
    await until('the worker to log it', () =>
      low.lines.some((l) => l.msg === MSG && l.tables?.some((p: { name: string }) => p.name === target())),
    );
    const v = await visibility(target());
    expect(v.pages).toBeGreaterThan(0);
    expect(v.allVisible).toBe(v.pages);
    await low.stop();
  });

  test('community_users is vacuumed once it holds USERS_VACUUM_ROWS dead rows (the rows the runs rewrite)', async () => {
    const dead = async () =>
      (await db.pool.query(`SELECT n_dead_tup::int AS n FROM pg_stat_user_tables WHERE relname = 'community_users'`)).rows[0].n as number;
    await db.pool.query('VACUUM community_users');
    for (let i = 0; i < 30; i++) await f.user();
    const before = await vacuums('community_users');
    await db.pool.query(`UPDATE community_users SET engagement_score = engagement_score + 1`);
    await until('the dead rows to show in the statistics', async () => (await dead()) >= 30);
    // Below the threshold: nothing; at it: vacuumed, with the count that made it due.
    expect(await vacuumDue(sqlOf(db.pool), { interactionsRows: 0, usersDeadRows: 1_000_000 })).toEqual([]);
    const done = await vacuumDue(sqlOf(db.pool), { interactionsRows: 0, usersDeadRows: 30 });
    expect(done).toEqual([expect.objectContaining({ name: 'community_users' })]);
    expect(done[0].rows).toBeGreaterThanOrEqual(30);
    expect(await vacuums('community_users')).toBe(before + 1);
    expect(await dead()).toBe(0);

    // A worker does it by itself.
    await db.pool.query(`UPDATE community_users SET engagement_score = engagement_score + 1`);
    await until('the dead rows to show in the statistics', async () => (await dead()) >= 30);
    const worker = await startServer({
      WORKER: 'on',
      LOG_LEVEL: 'info',
      ...NO_SCHEDULES,
      AUTO_RECOMPUTE: 'false',
      INTERACTIONS_VACUUM_ROWS: '0',
      USERS_VACUUM_ROWS: '30',
      VACUUM_CHECK_MS: '100',
    });
    await until('the worker to vacuum community_users', async () => (await vacuums('community_users')) === before + 2);
    await until('the worker to log it', () =>
      worker.lines.some((l) => l.msg === MSG && l.tables?.some((t: { name: string }) => t.name === 'community_users')),
    );
    await worker.stop();
  });
});
