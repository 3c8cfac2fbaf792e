/**
 * Monthly partitions of `user_interactions` (docs/data-model.md "Partitions"): the table is
 * partitioned by RANGE on `timestamp`, one partition per UTC calendar month named
 * `user_interactions_pYYYY_MM`, plus a DEFAULT partition `user_interactions_default` that takes
 * whatever no month partition covers, so an accepted write never fails for want of a partition.
 *
 * The maintenance (run by the job queue's `maintain_partitions` cron, by the migration that
 * partitions the table and by the seed) keeps the months ahead created, moves any month that landed
 * in the default partition into a partition of its own, and, with a retention, drops whole
 * partitions older than it (never a row-by-row DELETE).
 *
 * Every function takes `sql`: one connection's statement runner (a pg Client/PoolClient, a TypeORM
 * QueryRunner wrapped), on which it opens its own transactions.
 */

export type Sql = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export const PARTITIONED_TABLE = 'user_interactions';
export const DEFAULT_PARTITION = 'user_interactions_default';
/** Months after the current one whose partitions the maintenance keeps created. */
export const MONTHS_AHEAD = 3;
/** Only one maintenance at a time (two workers whose crons fire together): pg_advisory_xact_lock keys. */
const LOCK = [0x50415254, 1]; // 'PART'

const MONTH_NAME = /^user_interactions_p(\d{4})_(\d{2})$/;

/** The first instant (UTC) of the month of `d`. */
export const monthStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
export const addMonths = (d: Date, n: number): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
export const partitionName = (month: Date): string =>
  `user_interactions_p${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/** The month partitions that exist, oldest first. */
export async function monthPartitions(sql: Sql): Promise<{ name: string; month: Date }[]> {
  const rows = await sql(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass($1) ORDER BY 1`,
    [PARTITIONED_TABLE],
  );
  return rows
    .map((r) => String(r.name))
    .map((name) => ({ name, m: MONTH_NAME.exec(name) }))
    .filter((x) => x.m)
    .map(({ name, m }) => ({ name, month: new Date(Date.UTC(Number(m![1]), Number(m![2]) - 1, 1)) }));
}

/** Whether `user_interactions` is partitioned (the migration PartitionInteractions has run). */
export async function isPartitioned(sql: Sql): Promise<boolean> {
  const rows = await sql(`SELECT relkind::text AS kind FROM pg_class WHERE oid = to_regclass($1)`, [PARTITIONED_TABLE]);
  return rows[0]?.kind === 'p';
}

async function inTransaction<T>(sql: Sql, body: () => Promise<T>): Promise<T> {
  await sql('BEGIN');
  try {
    // Short: a partition's DDL must not queue the table's writers behind a long transaction; the
    // next maintenance run tries again.
    await sql(`SET LOCAL lock_timeout = '5s'`);
    await sql('SELECT pg_advisory_xact_lock($1, $2)', LOCK);
    const result = await body();
    await sql('COMMIT');
    return result;
  } catch (err) {
    await sql('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the partition of every month from `from` to `to` (inclusive) that does not exist yet, one
 * short transaction per month: built as a table of its own, given the default partition's rows of
 * that month (a plain CREATE ... PARTITION OF would be refused while they are there), and attached.
 * Returns the names created.
 */
export async function ensureMonths(sql: Sql, from: Date, to: Date): Promise<string[]> {
  if (!(await isPartitioned(sql))) return [];
  const existing = new Set((await monthPartitions(sql)).map((p) => p.name));
  const created: string[] = [];
  for (let month = monthStart(from); month <= to; month = addMonths(month, 1)) {
    const name = partitionName(month);
    if (existing.has(name)) continue;
    await inTransaction(sql, () => createMonth(sql, month));
    created.push(name);
  }
  return created;
}

async function createMonth(sql: Sql, month: Date): Promise<void> {
  const name = partitionName(month);
  const [lo, hi] = [month.toISOString(), addMonths(month, 1).toISOString()];
  if ((await sql(`SELECT 1 FROM pg_class WHERE oid = to_regclass($1)`, [name])).length) return; // another run made it
  // Built apart and attached, never CREATE TABLE ... PARTITION OF, which takes ACCESS EXCLUSIVE on the
  // parent: ATTACH takes SHARE UPDATE EXCLUSIVE, so reads and writes of the table go on. Writers of
  // rows for the default partition wait for the instant of the move and of ATTACH's check of it.
  await sql(`LOCK TABLE ${DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE`);
  await sql(`CREATE TABLE ${name} (LIKE ${PARTITIONED_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await sql(
    `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE "timestamp" >= $1 AND "timestamp" < $2 RETURNING *)
     INSERT INTO ${name} SELECT * FROM moved`,
    [lo, hi],
  );
  await sql(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_bound CHECK ("timestamp" >= '${lo}' AND "timestamp" < '${hi}')`);
  await sql(`ALTER TABLE ${PARTITIONED_TABLE} ATTACH PARTITION ${name} FOR VALUES FROM ('${lo}') TO ('${hi}')`);
  await sql(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_bound`);
}

/**
 * Drops every month partition whose whole month is older than `retentionMonths` months before
 * `now` (its end <= now - retentionMonths months): the rows newer than that cutoff always stay.
 */
export async function dropExpired(sql: Sql, retentionMonths: number, now: Date): Promise<string[]> {
  const cutoff = retentionCutoff(retentionMonths, now);
  const dropped: string[] = [];
  for (const p of await monthPartitions(sql)) {
    if (addMonths(p.month, 1) > cutoff) continue;
    await inTransaction(sql, () => sql(`DROP TABLE IF EXISTS ${p.name}`));
    dropped.push(p.name);
  }
  return dropped;
}

/** The oldest instant whose interactions a retention of `months` keeps: `now` minus that many calendar months. */
export function retentionCutoff(months: number, now: Date): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  // PostgreSQL's rule: the 31st minus a month is the last day of the shorter month.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
}

/**
 * The whole maintenance: the months from the current one to MONTHS_AHEAD after it, every month that
 * has rows in the default partition (only those: one stray row from 2011 does not make a partition
 * for every month since), then (with a retention) the expired partitions dropped. A month without a
 * partition between others is read from the default partition, which this keeps empty. A table
 * that is not partitioned (a database before the migration) is left alone.
 */
export async function maintainPartitions(sql: Sql, opts: { retentionMonths: number | null; now?: Date }): Promise<MaintenanceReport> {
  const now = opts.now ?? new Date();
  if (!(await isPartitioned(sql))) return { created: [], dropped: [] };
  const created = await ensureMonths(sql, monthStart(now), addMonths(monthStart(now), MONTHS_AHEAD));
  const stray = await sql(`SELECT DISTINCT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM ${DEFAULT_PARTITION}`);
  for (const r of stray) {
    const month = new Date(`${String(r.m)}-01T00:00:00Z`);
    created.push(...(await ensureMonths(sql, month, month)));
  }
  const dropped = opts.retentionMonths ? await dropExpired(sql, opts.retentionMonths, now) : [];
  return { created, dropped };
}
