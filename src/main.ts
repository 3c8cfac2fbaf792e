/**
 * Start-up: the database (DATABASE_URL, else an embedded PostgreSQL 15 under ./.data), migrations
 * (on a short-lived TypeORM DataSource), the app's pg Pool, the live updates' listener, the HTTP
 * server and its WebSocket endpoint; graceful shutdown on SIGINT/SIGTERM.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Pool } from 'pg';
import type { DestinationStream } from 'pino';
import type { JobWorker } from './agents/job-queue';
import { startRunSweep } from './agents/run-sweep';
import { createResultCache } from './cache';
import { Config, loadConfig } from './config';
import { Db } from './db/db';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { createPool } from './db/pool';
import { Replicas } from './db/replicas';
import { loadTimeZones } from './db/time-zones';
import { createHttpApp, Lifecycle } from './http/app';
import { Observability } from './http/observability';
import { attachWebSocket, WebSocketEndpoint } from './http/websocket';
import { LiveUpdates } from './live';
import { createLogger, Logger } from './logger';
import { buildAppSchema } from './schema';
import { createApolloServer } from './server';
import { databaseStartupError, describeError, startupMessage, StartupError } from './startup-error';

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

  // What start-up has made so far, undone in reverse order when a later step fails.
  const undo: (() => Promise<unknown>)[] = [];
  try {
    let embedded: EmbeddedDatabase | null = null;
    let url = config.databaseUrl;
    if (!url) {
      log.info({ dataDir: config.dataDir, port: config.embeddedPort }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
      const db = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPort,
        database: EMBEDDED_DATABASE,
        log: (msg) => log.info({}, msg),
      });
      undo.push(db.stop);
      embedded = db;
      url = db.url;
    }

    const pool = createPool(url, config, log);
    undo.push(() => pool.end());
    try {
      if (config.migrationsRun) {
        // Loaded when used, as the job-queue worker below: TypeORM is ~300 modules a server without
        // migrations never needs (docs/architecture.md "Start-up cost").
        const { runMigrations } = await import('./db/data-source');
        const ran = await runMigrations(url, undefined, (message) => log.warn({}, message));
        if (ran.length) log.info({ migrations: ran }, 'migrations applied');
      }
      await pool.query('SELECT 1'); // a database that cannot be reached fails the start, not the first request
    } catch (err) {
      const fix = embedded ? `see ${config.dataDir}/postgresql.log` : 'check DATABASE_URL, or unset it to use the embedded PostgreSQL';
      throw databaseStartupError(err, url, fix);
    }
    // Read replicas: the query operations' statements (src/db/replicas.ts); the rest stays on `pool`.
    const replicas = config.replicaUrls.length
      ? new Replicas(pool, config.replicaUrls, {
          maxLagMs: config.replicaMaxLagMs,
          pollIntervalMs: config.replicaPollIntervalMs,
          pool: config,
          log,
        })
      : null;
    if (replicas) {
      undo.push(() => replicas.stop());
      await replicas.start();
      log.info({ replicas: replicas.status() }, 'read replicas');
    }
    await loadTimeZones(new Db(pool));
    const runSweep = await startRunSweep(new Db(pool), config.runSweepIntervalMs, log);
    undo.push(async () => runSweep.stop());

    const resultCache = await createResultCache(config, log, pool);
    undo.push(() => resultCache.close());
    // LISTENing before the server serves: a subscription made from then on misses no commit.
    const live = new LiveUpdates(url, pool, log, resultCache);
    await live.start();
    undo.push(() => live.stop());
    // The in-process job-queue worker (WORKER=off leaves the jobs to other processes, `npm run worker`).
    const worker = config.worker ? await (await import('./agents/job-queue')).startJobWorker({ config, log, url, resultCache }) : null;
    if (worker) undo.push(() => worker.stop());
    const observability = new Observability({ log, pool, poolMax: config.poolMax, replicas });
    const schema = await buildAppSchema({ pubSub: live.hub });
    const apollo = createApolloServer({ config, log, observability, schema, replicas });
    await apollo.start();
    undo.push(() => apollo.stop());
    const lifecycle = new Lifecycle();
    const app = createHttpApp({ config, pool, replicas, apollo, resultCache, log, observability, lifecycle });
    const server = await listen(app, config.port);
    undo.push(() => new Promise((resolve) => server.close(resolve)));
    const ws = attachWebSocket(server, { config, schema, pool, resultCache, log, observability, lifecycle, live });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info(
      { port, embedded: Boolean(embedded) },
      `serving GraphQL at http://localhost:${port}/graphql (subscriptions: ws://localhost:${port}/graphql)`,
    );
    const stop = graceful({ config, log, server, lifecycle, apollo, resultCache, runSweep, worker, pool, replicas, embedded, ws, live });
    return { server, port, pool, url, log, stop };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}

/** Listens on the port, or fails naming it: never a "serving" line for a server that does not listen. */
function listen(app: ReturnType<typeof createHttpApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      server.close();
      if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${port} is in use (PORT)`));
      else if (err.code === 'EACCES') reject(new StartupError(`port ${port} needs more privileges than this user has (PORT)`));
      else reject(new StartupError(`cannot listen on port ${port}: ${describeError(err)} (PORT)`));
    });
  });
}

interface Running {
  config: Config;
  log: Logger;
  server: Server;
  lifecycle: Lifecycle;
  apollo: { stop(): Promise<void> };
  resultCache: { close(): Promise<void> };
  runSweep: { stop(): void };
  worker: JobWorker | null;
  pool: Pool;
  replicas: Replicas | null;
  embedded: EmbeddedDatabase | null;
  ws: WebSocketEndpoint;
  live: LiveUpdates;
}

/**
 * Graceful stop: refuse new connections, complete every subscription and close the WebSockets (1001),
 * let in-flight requests and running jobs finish (up to SHUTDOWN_TIMEOUT_MS, then cut them), stop
 * listening, close the pool, stop the embedded database. Called twice, it stops once.
 */
function graceful({
  config,
  log,
  server,
  lifecycle,
  apollo,
  resultCache,
  runSweep,
  worker,
  pool,
  replicas,
  embedded,
  ws,
  live,
}: Running): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      lifecycle.startDraining(); // /readyz: 503; responses still to come close their connection
      log.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new connections, finishing in-flight requests');
      const workerStopped = worker?.stop(); // no new job; running ones finish meanwhile
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Upgraded sockets keep server.close() waiting: they go first (bounded by SHUTDOWN_TIMEOUT_MS too).
      await ws.close();
      const deadline = setTimeout(() => {
        log.warn({}, `requests still in flight after ${config.shutdownTimeoutMs} ms: closing their connections`);
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);
      await workerStopped;
      await apollo.stop();
      await resultCache.close();
      await live.stop();
      runSweep.stop();
      // A statement cut off above still holds its connection until PostgreSQL answers; don't wait for it forever.
      if (replicas)
        await boundedWait(replicas.stop(), 5000, () => log.warn({}, "the replicas' pools did not close within 5 s: leaving them"));
      await boundedWait(pool.end(), 5000, () => log.warn({}, 'the pool did not close within 5 s: leaving it'));
      if (embedded) await embedded.stop();
      log.info({}, 'stopped');
    })());
}

async function boundedWait(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([work.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') onTimeout();
}

/**
 * A process's main: signals are handled from the first line (one during start-up exits at once, and
 * the 'exit' hook of db/embedded.ts stops the embedded PostgreSQL it may have started); SIGINT or
 * SIGTERM later stops gracefully. Used by this file and src/worker.ts.
 */
export function runProcess(startFn: () => Promise<{ log: Logger; stop(): Promise<void> }>): void {
  let running: { log: Logger; stop(): Promise<void> } | null = null;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    if (!running) {
      console.error(`cannot start: stopped by ${signal} during start-up`);
      process.exit(1);
    }
    const { log, stop } = running;
    log.info({ signal }, 'signal received');
    stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, `shutdown after ${signal} failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  startFn()
    .then((app) => {
      running = app;
      // A stray rejection is a bug to log, not a reason to drop every in-flight request.
      process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled promise rejection'));
    })
    .catch((err) => {
      console.error(startupMessage(err));
      process.exit(1);
    });
}

if (require.main === module) runProcess(() => start());
