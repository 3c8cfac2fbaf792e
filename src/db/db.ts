/**
 * The runtime's only way to SQL: parameterised statements on the app's pg Pool (pool.ts), counted
 * and timed per request (extensions.queryStats) and per process (/metrics). TypeORM owns the schema
 * (entities, migrations, CLI); queries talk to pg directly so that a nested read costs one round
 * trip per loader batch and no ORM hydration.
 */
import type { Pool, PoolClient, QueryArrayConfig, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { ReadRoute } from './replicas';

export interface QueryStats {
  sqlQueries: number;
  sqlTimeMs: number;
}

export const newStats = (): QueryStats => ({ sqlQueries: 0, sqlTimeMs: 0 });

type Isolation = 'READ COMMITTED' | 'REPEATABLE READ';

const statementNames = new Map<string, string>();
/**
 * Named prepared statements per process (and so per connection) at most. The texts come from code,
 * but a page's SELECT list follows its selection (src/db/sql/columns.ts), so clients can make many
 * of them: past this many, a new text runs unnamed (parsed and planned each time, as any other
 * statement), and neither this map nor the connections' sessions grow without bound.
 */
const MAX_PREPARED = 500;
/** The prepared statement name of a text: the same on every connection, one per distinct text; undefined past MAX_PREPARED. */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) statementNames.set(sql, (name = `s${statementNames.size + 1}`));
  return name;
}

export class Db {
  constructor(
    private readonly pool: Pool,
    readonly stats: QueryStats = newStats(),
    /** Set on the Db of a transaction (`begin`, `transaction`): every statement runs in it. */
    private readonly tx: Transaction | null = null,
    /** The one connection of a `session`: its statements autocommit, its transactions run on it. */
    private readonly client: PoolClient | null = null,
    /**
     * A query operation's route (replicas.ts): its autocommit statements run on a read replica, or on
     * the primary (`pool`) when none fits; `session`, `begin` and `transaction` stay on the primary.
     */
    private readonly route: ReadRoute | null = null,
  ) {}

  /** This Db's statements routed to the read replicas (a query operation's, src/graphql/read-replicas.ts). */
  onReplicas(route: ReadRoute): Db {
    if (this.client || this.tx) throw new Error('a session or transaction stays on the primary');
    return new Db(this.pool, this.stats, null, null, route);
  }

  /**
   * The result cache's guard (src/cache/index.ts `cached`): call it before computing an answer; the
   * answer may be stored when the check resolves true. Always true off the replicas; on a replica
   * it costs one statement on the primary, run alongside the computation (ReadRoute.cacheCheck).
   */
  cacheCheck(): Promise<() => boolean> {
    if (!this.route) return Promise.resolve(() => true);
    const { statements, check } = this.route.cacheCheck();
    this.stats.sqlQueries += statements;
    return check;
  }

  /**
   * `prepare`: run it as a named prepared statement (one per distinct text, see `statementName`), so
   * that PostgreSQL parses and plans it once per connection. For the reads' page and loader
   * statements, whose texts are few and whose plans do not depend on the values.
   */
  async query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    opts: { prepare?: boolean } = {},
  ): Promise<R[]> {
    return (await this.run<R>({ text: sql, values: params, name: opts.prepare ? statementName(sql) : undefined })).rows;
  }

  /**
   * Rows as arrays, with the column names in order: for a statement whose columns repeat a name
   * (a root page with its to-one relations joined, src/db/sql/pages.ts).
   */
  async queryArrays(
    sql: string,
    params: unknown[] = [],
    opts: { prepare?: boolean } = {},
  ): Promise<{ names: string[]; rows: unknown[][] }> {
    const config: QueryArrayConfig = { text: sql, values: params, rowMode: 'array', name: opts.prepare ? statementName(sql) : undefined };
    const res = await this.run(config as QueryConfig);
    return { names: res.fields.map((f) => f.name), rows: res.rows as unknown as unknown[][] };
  }

  private async run<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>> {
    const started = performance.now();
    this.stats.sqlQueries += 1;
    try {
      if (this.tx) return await this.tx.query<R>(config);
      if (this.route) return await this.route.query<R>(config);
      return await (this.client ?? this.pool).query<R>(config);
    } finally {
      this.stats.sqlTimeMs += performance.now() - started;
    }
  }

  async one<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<R | null> {
    const rows = await this.query<R>(sql, params);
    return rows[0] ?? null;
  }

  /**
   * A statement whose failure the caller handles and then goes on (to name what was wrong, say). In
   * a transaction PostgreSQL would refuse every later statement: there it runs under a SAVEPOINT,
   * rolled back to when it fails (two more round trips). Elsewhere it is a plain query.
   */
  recoverable<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.tx ? this.tx.savepoint(() => this.query<R>(sql, params)) : this.query<R>(sql, params);
  }

  /**
   * Runs `fn` on one pooled connection: its statements autocommit, and `transaction` on it runs on
   * that same connection. When `fn` throws, the connection is closed instead of going back to the
   * pool: the state it was left in is unknown (and an agent run's row names it as its owner).
   */
  async session<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
    if (this.client || this.tx) throw new Error('already on one connection');
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      return await fn(new Db(this.pool, this.stats, null, client));
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failed);
    }
  }

  /**
   * A transaction on this Db's pool (or its session's connection) and stats that the caller ends with
   * commit() or rollback(). Its connection is taken, and BEGIN sent, with its first statement: one
   * that runs none costs nothing.
   */
  begin(isolation?: Isolation): Transaction {
    return new Transaction(this.pool, this.stats, isolation, this.client);
  }

  /**
   * Runs `fn` in one transaction on one pooled connection; rolls back when it throws. On the Db of a
   * transaction already (a mutation operation's, src/graphql/mutation-operation.ts), `fn` runs in that
   * one: no nested BEGIN, and any error rolls all of it back. BEGIN/COMMIT count as statements: they
   * are round trips too.
   */
  async transaction<T>(fn: (tx: Db) => Promise<T>, isolation?: Isolation): Promise<T> {
    if (this.tx) return fn(this);
    const tx = this.begin(isolation);
    let result: T;
    try {
      result = await fn(tx.db);
    } catch (err) {
      await tx.rollback();
      throw err;
    }
    await tx.commit();
    return result;
  }
}

/** One transaction on one pooled connection, begun lazily (Db.begin). */
export class Transaction {
  /** The Db whose statements run in this transaction. */
  readonly db: Db;
  private client: PoolClient | null = null;
  private opening: Promise<PoolClient> | null = null;
  /** A statement failed: PostgreSQL refuses every later one, and would turn COMMIT into a silent ROLLBACK. */
  private failed = false;
  private ended = false;

  constructor(
    private readonly pool: Pool,
    private readonly stats: QueryStats,
    private readonly isolation?: Isolation,
    /** A session's connection: used instead of a pooled one, and left to the session to release. */
    private readonly sessionClient: PoolClient | null = null,
  ) {
    this.db = new Db(pool, stats, this);
  }

  /** Db.query's way in: the first statement takes the connection and sends BEGIN ahead of itself. */
  async query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>> {
    if (this.ended) throw new Error('the transaction has ended');
    try {
      const client = await (this.opening ??= this.open());
      return await client.query<R>(config);
    } catch (err) {
      this.failed = true;
      throw err;
    }
  }

  /** Runs `fn` under a SAVEPOINT: when it throws, the transaction goes on as it was before. */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const failedBefore = this.failed;
    await this.db.query('SAVEPOINT recoverable');
    try {
      const result = await fn();
      await this.db.query('RELEASE SAVEPOINT recoverable');
      return result;
    } catch (err) {
      await this.db.query('ROLLBACK TO SAVEPOINT recoverable');
      this.failed = failedBefore;
      throw err;
    }
  }

  /** COMMIT if a statement ran. After a failed statement it rolls back and throws instead. */
  async commit(): Promise<void> {
    if (this.failed) {
      await this.rollback();
      throw new Error('not committed: a statement of the transaction failed, so it was rolled back');
    }
    if (!(await this.connection())) return this.end();
    try {
      await this.db.query('COMMIT');
    } catch (err) {
      this.end(err as Error);
      throw err;
    }
    this.end();
  }

  /** ROLLBACK if a statement ran; never throws. A connection that cannot roll back is closed, not reused. */
  async rollback(): Promise<void> {
    if (this.ended) return;
    if (!(await this.connection())) return this.end();
    const broken = await this.db.query('ROLLBACK').then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    this.end(broken);
  }

  private async open(): Promise<PoolClient> {
    const client = this.sessionClient ?? (await this.pool.connect());
    this.client = client;
    this.stats.sqlQueries += 1; // BEGIN is a round trip too (its time counts in the first statement's)
    await client.query(this.isolation ? `BEGIN ISOLATION LEVEL ${this.isolation}` : 'BEGIN');
    return client;
  }

  /** The connection once it is taken (a failed BEGIN still leaves it), or null when no statement ran. */
  private async connection(): Promise<PoolClient | null> {
    await this.opening?.catch(() => undefined);
    return this.client;
  }

  /** release(err) destroys the connection instead of handing it to the next request. */
  private end(broken?: Error): void {
    if (this.ended) return;
    this.ended = true;
    // A session's connection is the session's to release (closed when its callback throws).
    if (this.sessionClient) return;
    this.client?.release(broken);
  }
}
