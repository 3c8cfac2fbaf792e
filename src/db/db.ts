/**
 * The runtime's only way to SQL: parameterised statements on the app's pg Pool (pool.ts), counted
 * and timed per request (extensions.queryStats) and per process (/metrics). TypeORM owns the schema
 * (entities, migrations, CLI); queries talk to pg directly so that a nested read costs one round
 * trip per loader batch and no ORM hydration.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';

export interface QueryStats {
  sqlQueries: number;
  sqlTimeMs: number;
}

export const newStats = (): QueryStats => ({ sqlQueries: 0, sqlTimeMs: 0 });

export class Db {
  constructor(
    private readonly pool: Pool,
    readonly stats: QueryStats = newStats(),
    /** The transaction's own connection, on the Db that `transaction` hands to its callback. */
    private readonly client: PoolClient | null = null,
  ) {}

  async query<R extends QueryResultRow = Record<string, any>>(sql: string, params: unknown[] = []): Promise<R[]> {
    const started = performance.now();
    this.stats.sqlQueries += 1;
    try {
      const res = await (this.client ?? this.pool).query<R>(sql, params);
      return res.rows;
    } finally {
      this.stats.sqlTimeMs += performance.now() - started;
    }
  }

  async one<R extends QueryResultRow = Record<string, any>>(sql: string, params: unknown[] = []): Promise<R | null> {
    const rows = await this.query<R>(sql, params);
    return rows[0] ?? null;
  }

  /**
   * Runs `fn` in one transaction on one pooled connection; rolls back when it throws.
   * BEGIN/COMMIT count as statements: they are round trips too.
   */
  async transaction<T>(fn: (tx: Db) => Promise<T>, isolation?: 'READ COMMITTED' | 'REPEATABLE READ'): Promise<T> {
    if (this.client) throw new Error('nested transactions are not supported');
    const client = await this.pool.connect();
    const tx = new Db(this.pool, this.stats, client);
    let broken: Error | undefined;
    try {
      await tx.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      // A ROLLBACK that fails means the connection is gone or unusable: release(err) destroys it
      // instead of handing it to the next request.
      broken = await tx.query('ROLLBACK').then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
