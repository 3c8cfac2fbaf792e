/**
 * `npm run worker`: a process that only works the job queue of the automatic agents (docs/agents.md
 * "Automatic agents"), beside servers started with WORKER=off or not. The same database as the
 * server: DATABASE_URL, else the embedded PostgreSQL of `npm start` under DATA_DIR (shared when it
 * runs, started otherwise). Migrations as at the server's start-up (MIGRATIONS_RUN), the run sweep,
 * the result cache (with REDIS_URL, the one the servers share, so that its runs invalidate their
 * answers), graceful stop on SIGINT/SIGTERM within SHUTDOWN_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { startJobWorker } from './agents/job-queue';
import { startRunSweep } from './agents/run-sweep';
import { createResultCache } from './cache';
import { Config, loadConfig } from './config';
import { Db } from './db/db';
import { EMBEDDED_DATABASE, startEmbeddedPostgres } from './db/embedded';
import { createPool } from './db/pool';
import { createLogger } from './logger';
import { runProcess, StartOptions } from './main';
import { databaseStartupError } from './startup-error';

export async function startWorker(config: Config = loadConfig(), opts: StartOptions = {}) {
  const log = createLogger(config, opts.logDestination);
  const undo: (() => Promise<unknown>)[] = [];
  try {
    let url = config.databaseUrl;
    if (!url) {
      const db = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPort,
        database: EMBEDDED_DATABASE,
        log: (msg) => log.info({}, msg),
        whenRunning: 'share',
      });
      undo.push(db.stop);
      url = db.url;
    }
    const pool = createPool(url, config, log);
    undo.push(() => pool.end());
    try {
      if (config.migrationsRun) await (await import('./db/data-source')).runMigrations(url); // TypeORM when used (docs/architecture.md "Start-up cost")
      await pool.query('SELECT 1');
    } catch (err) {
      throw databaseStartupError(err, url, 'check DATABASE_URL, or unset it to use the embedded PostgreSQL');
    }
    const runSweep = await startRunSweep(new Db(pool), config.runSweepIntervalMs, log);
    undo.push(async () => runSweep.stop());
    const resultCache = await createResultCache(config, log, pool);
    undo.push(() => resultCache.close());
    const worker = await startJobWorker({ config, log, url, resultCache });
    undo.push(() => worker.stop());
    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        log.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new job, finishing running ones');
        for (const step of undo.reverse()) await step().catch((err) => log.warn({ err }, 'a shutdown step failed'));
        log.info({}, 'stopped');
      })());
    return { log, stop };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}

if (require.main === module) runProcess(() => startWorker());
