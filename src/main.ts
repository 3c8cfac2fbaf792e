/**
 * Start-up: the database (DATABASE_URL, else an embedded PostgreSQL 15 under ./.data), migrations
 * (on a short-lived TypeORM DataSource), the app's pg Pool, the HTTP server; graceful shutdown on
 * SIGINT/SIGTERM.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { startRunSweep } from './agents/run-sweep';
import { createResultCache } from './cache';
import { Config, loadConfig } from './config';
import { runMigrations } from './db/data-source';
import { Db } from './db/db';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { createPool } from './db/pool';
import { loadTimeZones } from './db/time-zones';
import { createHttpApp, Lifecycle } from './http/app';
import { Observability } from './http/observability';
import { createLogger } from './logger';
import { createApolloServer } from './server';

export interface StartOptions {
  /** Where the JSON log lines go (stdout by default); tests read them. */
  logDestination?: DestinationStream;
}

export async function start(config: Config = loadConfig(), opts: StartOptions = {}) {
  const log = createLogger(config, opts.logDestination);
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

  if (config.migrationsRun) {
    const ran = await runMigrations(url);
    if (ran.length) log.info({ migrations: ran }, 'migrations applied');
  }
  const pool = createPool(url, config, log);
  try {
    await pool.query('SELECT 1'); // a database that cannot be reached fails the start, not the first request
  } catch (err) {
    await pool.end();
    throw err;
  }
  await loadTimeZones(new Db(pool));
  const runSweep = await startRunSweep(new Db(pool), config.runSweepIntervalMs, log);

  const resultCache = await createResultCache(config, log);
  const observability = new Observability({ log, pool, poolMax: config.poolMax });
  const apollo = await createApolloServer({ config, log, observability });
  await apollo.start();
  const lifecycle = new Lifecycle();
  const app = createHttpApp({ config, pool, apollo, resultCache, log, observability, lifecycle });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, embedded: Boolean(embedded) }, `serving GraphQL at http://localhost:${port}/graphql`);

  let stopping: Promise<void> | null = null;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS,
   * then cut them), close the pool, stop the embedded database.
   */
  const stop = () =>
    (stopping ??= (async () => {
      lifecycle.startDraining(); // /readyz: 503; responses still to come close their connection
      log.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => {
        log.warn({}, `requests still in flight after ${config.shutdownTimeoutMs} ms: closing their connections`);
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);
      await apollo.stop();
      await resultCache.close();
      runSweep.stop();
      // A statement cut off above still holds its connection until PostgreSQL answers; don't wait for it forever.
      await boundedWait(pool.end(), 5000, () => log.warn({}, 'the pool did not close within 5 s: leaving it'));
      if (embedded) await embedded.stop();
      log.info({}, 'stopped');
    })());
  return { server, port, pool, stop, url, log };
}

async function boundedWait(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([work.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') onTimeout();
}

if (require.main === module) {
  start()
    .then(({ stop, log }) => {
      // A stray rejection is a bug to log, not a reason to drop every in-flight request.
      process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
      let signalled = false;
      const onSignal = (signal: string) => {
        if (signalled) return;
        signalled = true;
        log.info({ signal }, 'signal received');
        stop().then(
          () => process.exit(0),
          (err) => {
            log.error({ err }, `shutdown after ${signal} failed`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
    })
    .catch((err) => {
      console.error(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
