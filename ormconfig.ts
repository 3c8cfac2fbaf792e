/**
 * The TypeORM CLI's DataSource (`npm run migration:run` etc.), the same shape as the app's
 * migrations runner (src/db/data-source.ts), so entities, migrations and naming cannot drift apart.
 * The CLI targets DATABASE_URL; without it, the embedded server that `npm start` runs
 * (postgresql://postgres:postgres@127.0.0.1:$EMBEDDED_PG_PORT/creator, while the app is up).
 */
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';
import { EMBEDDED_DATABASE, embeddedUrl } from './src/db/embedded';

const config = loadConfig();

export default createDataSource({
  url: config.databaseUrl ?? embeddedUrl(config.embeddedPort, EMBEDDED_DATABASE),
  applicationName: 'creator-analytics-cli',
});
