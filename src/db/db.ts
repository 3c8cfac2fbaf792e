/**
 * The runtime's only way to SQL: parameterised statements on the DataSource's pg pool, counted
 * and timed per request (extensions.queryStats) and per process (/metrics). TypeORM owns the schema
 * (entities, migrations, CLI); hot paths talk to pg directly so that a nested read costs one
 * round trip per loader batch and no ORM hydration.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

export interface QueryStats {
  sqlQueries: number;
  sqlTimeMs: number;
}

export const newStats = (): QueryStats => ({ sqlQueries: 0, sqlTimeMs: 0 });

type Queryable = Pool | PoolClient;

export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

export class Db {
  constructor(
    private readonly target: Queryable,
    readonly stats: QueryStats = newStats(),
    private readonly pool: Pool | null = null,
  ) {}

  static fromDataSource(ds: DataSource, stats?: QueryStats): Db {
    const pool = poolOf(ds);
    return new Db(pool, stats, pool);
  }

  async query<R extends QueryResultRow = Record<string, any>>(sql: string, params: unknown[] = []): Promise<R[]> {
    const started = performance.now();
    this.stats.sqlQueries += 1;
    try {
      const res = await this.target.query<R>(sql, params);
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
    if (!this.pool) throw new Error('nested transactions are not supported');
    const client = await this.pool.connect();
    const tx = new Db(client, this.stats, null);
    let broken = false;
    try {
      await tx.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await tx.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone or unusable: drop it from the pool
      }
      throw err;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  /** A dedicated connection (for session state such as SET statement_timeout). */
  async withClient<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
    if (!this.pool) return fn(this);
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await fn(new Db(client, this.stats, null));
    } catch (err) {
      broken = (err as { code?: string }).code === undefined;
      throw err;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  get inTransaction(): boolean {
    return this.pool === null;
  }
}
