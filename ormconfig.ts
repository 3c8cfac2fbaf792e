/**
 * The TypeORM DataSource for the app and the TypeORM CLI (`npm run migration:run` etc.).
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
