/**
 * Start-up: the database (DATABASE_URL, else an embedded PostgreSQL 15 under ./.data), migrations,
 * the HTTP server; graceful shutdown on SIGINT/SIGTERM.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import { appDataSource } from '../ormconfig';
import { createResultCache } from './cache';
import { Config, loadConfig } from './config';
import { poolOf } from './db/db';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { createHttpApp } from './http/app';
import { createLogger } from './logger';
import { createApolloServer } from './server';

export async function start(config: Config = loadConfig()) {
  const log = createLogger(config);
  if (config.apiKeys.size === 0) {
    if (config.nodeEnv === 'production') {
      throw new Error('NODE_ENV=production needs API_KEYS (comma-separated role:key pairs); refusing to start an open server');
    }
    log.warn({}, 'API_KEYS is not set: the API is open to everyone (every caller is admin)');
  }

  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    log.info({ dataDir: config.dataDir, port: config.embeddedPort }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort, database: EMBEDDED_DATABASE });
    url = embedded.url;
  }

  const dataSource = appDataSource(config, url);
  await dataSource.initialize();
  if (config.migrationsRun) {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  }
  const pool = poolOf(dataSource);
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection failed'));

  const resultCache = await createResultCache(config, log);
  const apollo = await createApolloServer(config, log);
  await apollo.start();
  const app = createHttpApp({ config, pool, apollo, resultCache });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, embedded: Boolean(embedded) }, `serving GraphQL at http://localhost:${port}/graphql`);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info({}, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(deadline);
      await apollo.stop();
      await resultCache.close();
      await dataSource.destroy();
      if (embedded) await embedded.stop();
      log.info({}, 'stopped');
    })());
  return { server, port, dataSource, stop, url };
}

if (require.main === module) {
  start()
    .then(({ stop }) => {
      const onSignal = (signal: string) => {
        stop().then(
          () => process.exit(0),
          (err) => {
            console.error(`shutdown after ${signal} failed`, err);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => onSignal('SIGINT'));
      process.once('SIGTERM', () => onSignal('SIGTERM'));
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
