/**
 * TypeORM's part: the entities (their @Index decorators are the source of the schema), the
 * migrations and the CLI (ormconfig.ts). No runtime query goes through it: those run on the app's
 * own pg Pool (pool.ts).
 */
import 'reflect-metadata';
import path from 'node:path';
import { DataSource, Logger } from 'typeorm';
import { installJobQueue } from './job-queue';

export interface DataSourceOptions {
  url: string;
  applicationName?: string;
  poolMax?: number;
}

/** The one DataSource shape of the migrations runner, the TypeORM CLI and the tests. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    // Found by name, like the migrations, so that db/ imports nothing from the modules above it.
    entities: [path.join(__dirname, '..', 'modules', '*', '*.entity.{ts,js}')],
    migrations: [path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    // Each migration in its own transaction, except those that set `transaction = false` (the online
    // index builds, src/db/online-ddl.ts); TypeORM's default 'all' refuses such a migration.
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: {
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: opts.applicationName ?? 'creator-analytics-migrations',
      keepAlive: true,
    },
  });
}

/**
 * Runs the pending migrations (each in its own transaction, or none for the online ones) on a
 * short-lived DataSource and closes it, then installs the job queue's schema (job-queue.ts); returns
 * the names of the app's migrations that ran. A failure throws with PostgreSQL's message. `warn`
 * receives the migrations' warnings (an INVALID index rebuilt, a lock retried).
 */
export async function runMigrations(url: string, applicationName?: string, warn?: (message: string) => void): Promise<string[]> {
  const ds = createDataSource({ url, applicationName, poolMax: 2 });
  ds.setOptions({ logging: warn ? ['migration'] : false, logger: warn ? warningsTo(warn) : undefined });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    await installJobQueue(url);
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** A TypeORM logger that passes the migrations' own messages on (to the app's JSON log) and drops the rest. */
function warningsTo(warn: (message: string) => void): Logger {
  const none = () => undefined;
  return {
    logQuery: none,
    logQueryError: none,
    logQuerySlow: none,
    logSchemaBuild: none,
    log: none,
    logMigration: (message) => warn(message),
  };
}
