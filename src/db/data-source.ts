import 'reflect-metadata';
import path from 'node:path';
import { types } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

// bigint (int8) and numeric columns hold counts and sums that stay below 2^53: parse them as numbers
// once here instead of converting in every mapper.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));

export interface DataSourceOptions {
  url: string;
  poolMax?: number;
  connectionTimeoutMs?: number;
  applicationName?: string;
  /** statement_timeout for every statement of the pool (reads); agents lift it per transaction. */
  statementTimeoutMs?: number;
}

/** The one DataSource shape used by the app, the TypeORM CLI (ormconfig.ts) and the tests. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: [path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: {
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
      application_name: opts.applicationName ?? 'creator-analytics-api',
      keepAlive: true,
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    },
  });
}
