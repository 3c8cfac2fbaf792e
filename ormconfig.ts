/**
 * The TypeORM DataSource of the app and of the TypeORM CLI (`npm run migration:run` etc.): both
 * build it with `appDataSource`, so entities, migrations and naming cannot drift apart.
 * The CLI targets DATABASE_URL; without it, the embedded server that `npm start` runs
 * (postgresql://postgres:postgres@127.0.0.1:$EMBEDDED_PG_PORT/creator, while the app is up).
 */
import type { DataSource } from 'typeorm';
import { Config, loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';
import { EMBEDDED_DATABASE, embeddedUrl } from './src/db/embedded';

export function appDataSource(config: Config, url?: string, applicationName?: string): DataSource {
  return createDataSource({
    url: url ?? config.databaseUrl ?? embeddedUrl(config.embeddedPort, EMBEDDED_DATABASE),
    poolMax: config.poolMax,
    connectionTimeoutMs: config.connectionTimeoutMs,
    statementTimeoutMs: config.readStatementTimeoutMs,
    applicationName,
  });
}

export default appDataSource(loadConfig(), undefined, 'creator-analytics-cli');
