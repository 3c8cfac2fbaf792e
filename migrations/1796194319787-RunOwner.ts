import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The owner of an agent run (its connection's backend pid and start time), so that the run sweep
 * (src/agents/run-sweep.ts) can fail a `running` row whose owner is gone; and a partial index over
 * the running rows, the only ones the sweep reads. Existing rows get no owner: a running one of
 * the four agents is marked abandoned by the first sweep.
 */
export class RunOwner1796194319787 implements MigrationInterface {
    name = 'RunOwner1796194319787'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "agent_logs" ADD "owner_pid" integer`);
        await queryRunner.query(`ALTER TABLE "agent_logs" ADD "owner_backend_start" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "idx_agent_logs_running" ON "agent_logs"  ("agent_name") WHERE "status" = 'running'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_agent_logs_running"`);
        await queryRunner.query(`ALTER TABLE "agent_logs" DROP COLUMN "owner_backend_start"`);
        await queryRunner.query(`ALTER TABLE "agent_logs" DROP COLUMN "owner_pid"`);
    }

}
