/**
 * Schema changes on tables that can be large (user_interactions, published_content,
 * community_users, agent_logs) without stopping the writes to them; the rules are in
 * docs/data-model.md ("Online migrations"). Every statement runs on a connection of its own, in
 * autocommit, under a short lock_timeout:
 * - indexes are built and dropped CONCURRENTLY (no lock that blocks INSERT/UPDATE/DELETE), which
 *   PostgreSQL refuses inside a transaction: a migration using these sets `transaction = false`,
 *   and TypeORM's revert, which always opens one, does not matter since the statement runs elsewhere;
 * - a lock not granted within lock_timeout (a long transaction holds the table) fails the attempt
 *   instead of queueing every other session behind it; the attempt is retried with backoff, then
 *   fails with an error that names the table and the fix;
 * - IF [NOT] EXISTS everywhere, so a migration interrupted half-way runs again; an INVALID index
 *   left by an interrupted CREATE INDEX CONCURRENTLY is dropped and built again (logged).
 * - on a partitioned table (user_interactions), an index is built partition by partition, each
 *   CONCURRENTLY, and attached to the partitioned index (createPartitionedIndex below).
 */
import type { QueryRunner } from 'typeorm';

export interface OnlineDdlOptions {
  /** lock_timeout of each attempt, in ms (default 3000). */
  lockTimeoutMs?: number;
  /** Attempts before giving up (default 5); the waits between them double from `backoffMs`. */
  attempts?: number;
  /** First wait between attempts, in ms (default 500). */
  backoffMs?: number;
}

const DEFAULTS: Required<OnlineDdlOptions> = { lockTimeoutMs: 3000, attempts: 5, backoffMs: 500 };

/** lock_not_available (lock_timeout) and deadlock_detected (two concurrent builds): worth another attempt. */
const RETRYABLE = new Set(['55P03', '40P01']);

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

type Run = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * CREATE INDEX CONCURRENTLY IF NOT EXISTS `name` ON `table` `definition` (the column list, and a
 * WHERE for a partial index, as the plain CREATE INDEX had it). An INVALID index of that name is
 * dropped and built again.
 */
export async function createIndexOnline(
  queryRunner: QueryRunner,
  index: { name: string; table: string; definition: string },
  options: OnlineDdlOptions = {},
): Promise<void> {
  await withOwnConnection(queryRunner, `index ${index.name} on ${index.table}`, options, async (run) => {
    if (await isPartitionedTable(run, index.table)) return createPartitionedIndex(run, index);
    const state = await run(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND n.nspname = current_schema()`,
      [index.name],
    );
    if (state.length && !state[0].valid) {
      warn(queryRunner, `index ${index.name} is INVALID (an interrupted CREATE INDEX CONCURRENTLY): dropping it and building it again`);
      await run(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(index.name)}`);
    }
    await run(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${ident(index.name)} ON ${ident(index.table)} ${index.definition}`);
  });
}

/**
 * DROP INDEX CONCURRENTLY IF EXISTS `name`. A partitioned index (user_interactions) cannot be
 * dropped concurrently: a plain DROP INDEX, a catalog change that holds the table for an instant,
 * under the same lock_timeout and retries.
 */
export async function dropIndexOnline(queryRunner: QueryRunner, name: string, options: OnlineDdlOptions = {}): Promise<void> {
  await withOwnConnection(queryRunner, `index ${name}`, options, async (run) => {
    const kind = await run(
      `SELECT c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relname = $1 AND n.nspname = current_schema()`,
      [name],
    );
    await run(`DROP INDEX ${kind[0]?.kind === 'I' ? '' : 'CONCURRENTLY '}IF EXISTS ${ident(name)}`);
  });
}

const isPartitionedTable = async (run: Run, table: string): Promise<boolean> =>
  (await run(`SELECT relkind::text AS kind FROM pg_class WHERE oid = to_regclass($1)`, [table]))[0]?.kind === 'p';

/**
 * PostgreSQL builds no index CONCURRENTLY on a partitioned table (user_interactions,
 * docs/data-model.md "Partitions"). Its way: the partitioned index is created ON ONLY the parent
 * (instant, INVALID until every partition has its index), each partition's index is built
 * CONCURRENTLY and attached, and the last attach makes the partitioned index valid. Run again
 * after an interruption, it goes on where it stopped (an INVALID partition index is built again).
 */
async function createPartitionedIndex(run: Run, index: { name: string; table: string; definition: string }): Promise<void> {
  await run(`CREATE INDEX IF NOT EXISTS ${ident(index.name)} ON ONLY ${ident(index.table)} ${index.definition}`);
  const partitions = await run(
    `SELECT c.relname AS partition, (SELECT ci.relname FROM pg_inherits ii JOIN pg_index x ON x.indexrelid = ii.inhrelid
                                     JOIN pg_class ci ON ci.oid = x.indexrelid
                                     WHERE ii.inhparent = to_regclass($2) AND x.indrelid = c.oid) AS attached
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY 1`,
    [index.table, index.name],
  );
  for (const p of partitions) {
    if (p.attached) continue;
    const partition = String(p.partition);
    const child = `${index.name}_${partition.startsWith(`${index.table}_`) ? partition.slice(index.table.length + 1) : partition}`.slice(
      0,
      63,
    );
    const state = await run(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND n.nspname = current_schema()`,
      [child],
    );
    if (state.length && !state[0].valid) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(child)}`);
    await run(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${ident(child)} ON ${ident(partition)} ${index.definition}`);
    await run(`ALTER INDEX ${ident(index.name)} ATTACH PARTITION ${ident(child)}`);
  }
}

/**
 * A short statement that needs a strong table lock for an instant (ALTER TABLE ... ADD/DROP COLUMN
 * of a nullable column without default: a catalog change, no rewrite), under the same lock_timeout
 * and retries, so that it never queues the table's writers behind a long transaction.
 */
export async function alterTableOnline(
  queryRunner: QueryRunner,
  table: string,
  sql: string,
  options: OnlineDdlOptions = {},
): Promise<void> {
  await withOwnConnection(queryRunner, `table ${table}`, options, (run) => run(sql));
}

async function withOwnConnection(queryRunner: QueryRunner, what: string, options: OnlineDdlOptions, body: (run: Run) => Promise<unknown>) {
  const { lockTimeoutMs, attempts, backoffMs } = { ...DEFAULTS, ...options };
  const own = queryRunner.connection.createQueryRunner('master');
  try {
    const run: Run = (sql, params) => own.query(sql, params);
    await run(`SET lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    for (let attempt = 1; ; attempt++) {
      try {
        await body(run);
        return;
      } catch (err) {
        const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
        if (!code || !RETRYABLE.has(code)) throw err;
        if (attempt >= attempts) {
          throw new Error(
            `migration: could not lock ${what} within lock_timeout ${lockTimeoutMs} ms in ${attempts} attempts: a long transaction ` +
              `holds it (find it with: SELECT pid, xact_start, query FROM pg_stat_activity WHERE xact_start < now() - interval '1 minute'); ` +
              `end it or wait, then run the migration again`,
            { cause: err },
          );
        }
        const wait = backoffMs * 2 ** (attempt - 1);
        warn(
          queryRunner,
          `${what}: lock not granted within ${lockTimeoutMs} ms (attempt ${attempt} of ${attempts}); retrying in ${wait} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await own.query('RESET lock_timeout').catch(() => undefined);
    await own.release();
  }
}

/** Through TypeORM's migration log, which every logger (the CLI's too) prints; the app's goes to its JSON log. */
function warn(queryRunner: QueryRunner, message: string): void {
  queryRunner.connection.logger.logMigration(`warning: ${message}`, queryRunner);
}
