/**
 * TypeORM's part: the entities (their @Index decorators are the source of the schema), the
 * migrations and the CLI (ormconfig.ts). No runtime query goes through it: those run on the app's
 * own pg Pool (pool.ts).
 */
import 'reflect-metadata';
import path from 'node:path';
import { DataSource } from 'typeorm';
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
 * Runs the pending migrations (each in its own transaction) on a short-lived DataSource and closes
 * it, then installs the job queue's schema (job-queue.ts); returns the names of the app's
 * migrations that ran. A failure throws with PostgreSQL's message.
 */
export async function runMigrations(url: string, applicationName?: string): Promise<string[]> {
  const ds = createDataSource({ url, applicationName, poolMax: 2 });
  ds.setOptions({ logging: false });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    await installJobQueue(url);
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
