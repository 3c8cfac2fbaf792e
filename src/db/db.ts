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
    /** The one connection of a `session`, or of a `transaction` (handed to its callback). */
    private readonly client: PoolClient | null = null,
    private readonly inTransaction = false,
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
   * Runs `fn` on one pooled connection: its statements autocommit, and `transaction` on it runs on
   * that same connection. When `fn` throws, the connection is closed instead of going back to the
   * pool: the state it was left in is unknown (and an agent run's row names it as its owner).
   */
  async session<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
    if (this.client) throw new Error('already on one connection');
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      return await fn(new Db(this.pool, this.stats, client));
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failed);
    }
  }

  /**
   * Runs `fn` in one transaction on one pooled connection (the session's, on a session); rolls back
   * when it throws. BEGIN/COMMIT count as statements: they are round trips too.
   */
  async transaction<T>(fn: (tx: Db) => Promise<T>, isolation?: 'READ COMMITTED' | 'REPEATABLE READ'): Promise<T> {
    if (this.inTransaction) throw new Error('nested transactions are not supported');
    const client = this.client ?? (await this.pool.connect());
    const tx = new Db(this.pool, this.stats, client, true);
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
      if (!this.client) client.release(broken);
    }
  }
}
