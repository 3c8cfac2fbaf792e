/**
 * The worker's own vacuums (docs/agents.md "Incremental ConversionAgent", "Kept vacuumed"): the two
 * tables that steady ingest and the incremental ConversionAgent churn, vacuumed as soon as they
 * hold enough new work rather than when autovacuum comes by (once a minute at most, after 20% of a
 * table, and maybe off).
 *
 * - Each partition of user_interactions that took `interactionsRows` rows since its last vacuum
 *   (manual or autovacuum: pg_stat_user_tables.n_ins_since_vacuum). Rows the ingest just wrote lie
 *   on heap pages that the visibility map does not mark all-visible until a VACUUM has seen them,
 *   and an index-only scan fetches the heap page of every such entry: the incremental scoring (one
 *   index-only range per user, src/agents/conversion.agent.ts) then reads a heap page for each
 *   recent interaction of each user, and under steady ingest those are most of a user's window.
 *   An insert-only partition's vacuum visits its new pages only and skips the indexes.
 * - community_users once it holds `usersDeadRows` dead row versions (n_dead_tup): every run
 *   rewrites its users' rows, and as their score and tier are indexed the old versions keep an
 *   entry in each of the six indexes (neither HOT nor bottom-up index deletion applies), which the
 *   runs' reads and ingest's foreign-key checks then step over. Its vacuum scans all six indexes.
 *
 * SKIP_LOCKED: a table that another VACUUM (another worker, autovacuum) or a DDL holds is left for
 * the next check, never waited for. VACUUM takes a SHARE UPDATE EXCLUSIVE lock, which neither reads
 * nor writes wait for; TRUNCATE false keeps it from ever taking the ACCESS EXCLUSIVE lock that
 * giving empty pages at the end back to the OS needs. A role that does not own the table gets
 * PostgreSQL's warning and nothing is vacuumed. Each VACUUM runs outside any transaction, as it must.
 */
import { PARTITIONED_TABLE, Sql } from './partitions';

export interface VacuumThresholds {
  /** Rows inserted into a partition of user_interactions since its last vacuum; 0 = never. */
  interactionsRows: number;
  /** Dead row versions in community_users; 0 = never. */
  usersDeadRows: number;
}

export interface Vacuumed {
  name: string;
  /** The count that made it due: rows inserted since the last vacuum (a partition), or dead rows (community_users). */
  rows: number;
  ms: number;
}

/** Vacuums every table that is due, the most work first; returns those vacuumed (not those skipped). */
export async function vacuumDue(sql: Sql, t: VacuumThresholds): Promise<Vacuumed[]> {
  const due = await sql(
    `SELECT s.relid::int8 AS relid, format('%I.%I', s.schemaname, s.relname) AS qualified, s.relname AS name,
            (CASE WHEN i.inhrelid IS NULL THEN s.n_dead_tup ELSE s.n_ins_since_vacuum END)::float8 AS rows,
            s.vacuum_count::float8 AS vacuums
     FROM pg_stat_user_tables s LEFT JOIN pg_inherits i ON i.inhrelid = s.relid AND i.inhparent = to_regclass($1)
     WHERE (i.inhrelid IS NOT NULL AND $2::int8 > 0 AND s.n_ins_since_vacuum >= $2::int8)
        OR (s.relid = to_regclass('community_users') AND $3::int8 > 0 AND s.n_dead_tup >= $3::int8)
     ORDER BY rows DESC`,
    [PARTITIONED_TABLE, t.interactionsRows, t.usersDeadRows],
  );
  const done: Vacuumed[] = [];
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
