import { MigrationInterface, QueryRunner } from "typeorm";
import { alterTableOnline } from "../src/db/online-ddl";

/**
 * `conversion_pending` takes one row per ingest statement, the statement's users as one array
 * (`user_ids`), instead of one row per user (docs/data-model.md): a 5,000-item recordInteractions
 * wrote ~4,400 heap rows and index entries for its trigger, about 15% of the statement's time.
 * Expand only: `user_id` stays (now nullable), rows of the previous release keep their meaning,
 * and the incremental run takes both shapes. Every ingest writes this table, and a running
 * incremental job holds it for its whole run: the two catalog changes wait under lock_timeout and
 * retry (src/db/online-ddl.ts) rather than queue the ingests behind that job.
 */
export class ConversionPendingBatches1796600000000 implements MigrationInterface {
    name = 'ConversionPendingBatches1796600000000'
    transaction = false as const

    public async up(queryRunner: QueryRunner): Promise<void> {
        await alterTableOnline(queryRunner, "conversion_pending", `ALTER TABLE "conversion_pending" ADD COLUMN IF NOT EXISTS "user_ids" integer array`);
        await alterTableOnline(queryRunner, "conversion_pending", `ALTER TABLE "conversion_pending" ALTER COLUMN "user_id" DROP NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // The pending users stay pending, one row each as before (run twice, a user is pending twice: harmless, the run folds them).
        await queryRunner.query(`INSERT INTO "conversion_pending" ("user_id") SELECT DISTINCT unnest("user_ids") FROM "conversion_pending" WHERE "user_ids" IS NOT NULL`);
        await queryRunner.query(`DELETE FROM "conversion_pending" WHERE "user_id" IS NULL`);
        await queryRunner.query(`ALTER TABLE "conversion_pending" ALTER COLUMN "user_id" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "conversion_pending" DROP COLUMN "user_ids"`);
    }

}
