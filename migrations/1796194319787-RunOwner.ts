import { MigrationInterface, QueryRunner } from "typeorm";
import { alterTableOnline, createIndexOnline, dropIndexOnline } from "../src/db/online-ddl";

/**
 * The owner of an agent run (its connection's backend pid and start time), so that the run sweep
 * (src/agents/run-sweep.ts) can fail a `running` row whose owner is gone; and a partial index over
 * the running rows, the only ones the sweep reads. Existing rows get no owner: a running one of
 * the four agents is marked abandoned by the first sweep. Outside a transaction: the columns
 * (nullable, no default: a catalog change) under lock_timeout, the index CONCURRENTLY
 * (docs/data-model.md, "Online migrations").
 */
export class RunOwner1796194319787 implements MigrationInterface {
    name = 'RunOwner1796194319787'
    transaction = false as const

    public async up(queryRunner: QueryRunner): Promise<void> {
        await alterTableOnline(queryRunner, "agent_logs", `ALTER TABLE "agent_logs" ADD COLUMN IF NOT EXISTS "owner_pid" integer`);
        await alterTableOnline(queryRunner, "agent_logs", `ALTER TABLE "agent_logs" ADD COLUMN IF NOT EXISTS "owner_backend_start" TIMESTAMP WITH TIME ZONE`);
        await createIndexOnline(queryRunner, { name: "idx_agent_logs_running", table: "agent_logs", definition: `("agent_name") WHERE "status" = 'running'` });
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await dropIndexOnline(queryRunner, "idx_agent_logs_running");
        await alterTableOnline(queryRunner, "agent_logs", `ALTER TABLE "agent_logs" DROP COLUMN IF EXISTS "owner_backend_start"`);
        await alterTableOnline(queryRunner, "agent_logs", `ALTER TABLE "agent_logs" DROP COLUMN IF EXISTS "owner_pid"`);
    }

}
