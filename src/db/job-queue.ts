/**
 * The durable job queue's schema: graphile-worker keeps its tables and functions in the schema
 * `graphile_worker` and migrates them itself (docs/agents.md "Automatic agents"). Installed after
 * the app's own migrations, by the migration step of start-up (data-source.ts runMigrations) and of
 * the test template; the ingest statements call `graphile_worker.add_job` inside their own
 * transaction, so it must exist before the first request.
 */
import { Logger as WorkerLogger, runMigrations as runQueueMigrations } from 'graphile-worker';

/** graphile-worker's log lines dropped: what fails throws, with PostgreSQL's message. */
export const silentWorkerLogger = new WorkerLogger(() => () => undefined);

/** Installs or upgrades the graphile_worker schema (idempotent; concurrent calls serialise on its own lock). */
export async function installJobQueue(url: string): Promise<void> {
  await runQueueMigrations({ connectionString: url, maxPoolSize: 1, logger: silentWorkerLogger });
}
