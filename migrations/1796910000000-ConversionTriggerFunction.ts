import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The incremental ConversionAgent's trigger as one function, `conversion_trigger(users, debounce_ms,
 * max_attempts, lock_class, lock_key, task, job_key)` (docs/agents.md "Automatic agents", src/db/sql/conversion-trigger.ts), which every
 * ingest statement calls: it records the users in `conversion_pending` and calls graphile-worker's
 * add_job only when no waiting incremental job is there to take them. Calling add_job from every
 * ingest made its one job row a hot row (each ingest held its lock, and the commit lock of its
 * NOTIFY, until commit) and could keep the worker from picking that job up (get_job skips a locked
 * row): BENCHMARKS.md "Automatic agents: freshness". A function because its statements see what committed
 * after the ingest statement began, once it holds the pending users' shared lock (the claim takes it
 * exclusively). Replaces nothing: the previous release's statements keep working. During a rolling
 * upgrade a worker of the previous release claims without that lock, so a new ingest that saw its
 * job waiting may leave its users pending until the next ingest adds a job.
 */
export class ConversionTriggerFunction1796910000000 implements MigrationInterface {
    name = 'ConversionTriggerFunction1796910000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
CREATE OR REPLACE FUNCTION conversion_trigger(users int4[], debounce_ms int, max_attempts int, lock_class int, lock_key int,
                                              task text, job_key text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  -- Shared with every other ingest, exclusive for a claim (conversionAgentIncremental): a claim
  -- waits for the ingests that hold it to commit, and the check below runs after any claim that
  -- began before it, so it sees a job that such a claim's run locked.
  PERFORM pg_advisory_xact_lock_shared(lock_class, lock_key);
  INSERT INTO conversion_pending (user_ids) VALUES (users);
  -- A waiting job (not running, attempts left) takes these users with its claim, which waits for
  -- this transaction: no add_job, no lock on its row.
  IF EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = job_key AND j.is_available) THEN
    RETURN NULL;
  END IF;
  RETURN (graphile_worker.add_job(task, '{}'::json, NULL, now() + debounce_ms * interval '1 millisecond', max_attempts, job_key,
                                  NULL, NULL, 'preserve_run_at')).id;
END
$fn$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS conversion_trigger(int4[], int, int, int, int, text, text)`);
    }

}
