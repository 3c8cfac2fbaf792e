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

export interface VacuumedPartition {
  name: string;
  /** Rows inserted into it since its previous vacuum (pg_stat_user_tables.n_ins_since_vacuum). */
  rows: number;
  ms: number;
}

/**
 * Fresh partitions kept all-visible (docs/agents.md "Fresh partitions kept all-visible"): every
 * partition of user_interactions that took at least `minRows` rows since its last vacuum (manual
 * or autovacuum) is vacuumed, most inserted first. Rows the ingest just wrote lie on heap pages that
 * the visibility map does not mark all-visible until a VACUUM has seen them, and an index-only scan
 * fetches the heap page of every such index entry: the incremental ConversionAgent's scoring
 * (one index-only range per user, conversion.agent.ts) then reads a heap page for each recent
 * interaction of each user, and under steady ingest those are most of a user's window. Autovacuum's
 * insert threshold (20% of a partition) and its one-minute nap leave hundreds of thousands of such
 * rows at 10,000 interactions/s, and it may be off.
 *
 * SKIP_LOCKED: a partition that another VACUUM (another worker, autovacuum) or a DDL holds is left
 * for the next check, never waited for. VACUUM takes a SHARE UPDATE EXCLUSIVE lock, which neither
 * reads nor writes of the partition wait for; TRUNCATE false keeps it from ever taking the ACCESS
 * EXCLUSIVE lock that giving empty pages at the end back to the OS needs. A role that does not own the table gets PostgreSQL's
 * warning and nothing is vacuumed. Each VACUUM runs outside any transaction, as it must. Returns
 * the partitions vacuumed (not those skipped).
 */
export async function vacuumFreshPartitions(sql: Sql, minRows: number): Promise<VacuumedPartition[]> {
  const due = await sql(
    `SELECT s.relid::int8 AS relid, format('%I.%I', s.schemaname, s.relname) AS qualified, s.relname AS name,
            s.n_ins_since_vacuum::float8 AS rows, s.vacuum_count::float8 AS vacuums
     FROM pg_inherits i JOIN pg_stat_user_tables s ON s.relid = i.inhrelid
     WHERE i.inhparent = to_regclass($1) AND s.n_ins_since_vacuum >= $2
     ORDER BY s.n_ins_since_vacuum DESC`,
    [PARTITIONED_TABLE, minRows],
  );
  const done: VacuumedPartition[] = [];
  for (const d of due) {
    const started = performance.now();
    await sql(`VACUUM (SKIP_LOCKED, TRUNCATE false) ${String(d.qualified)}`);
    const ms = Math.round(performance.now() - started);
    // Skipped (locked, or not ours to vacuum) unless its count of manual vacuums moved (reported at once).
    const [after] = await sql(`SELECT vacuum_count::float8 AS vacuums FROM pg_stat_user_tables WHERE relid = $1::int8::oid`, [d.relid]);
    if (Number(after?.vacuums) > Number(d.vacuums)) done.push({ name: String(d.name), rows: Number(d.rows), ms });
  }
  return done;
}
