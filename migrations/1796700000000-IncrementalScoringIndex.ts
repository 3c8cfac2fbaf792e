import { MigrationInterface, QueryRunner } from "typeorm";
import { createIndexOnline, dropIndexOnline } from "../src/db/online-ddl";

/**
 * The incremental ConversionAgent's scoring (docs/agents.md "Incremental ConversionAgent"): user_interactions
 * (user_id, timestamp, interaction_type) serves "these users' window" as an index-only scan of one short
 * range per user. Without it PostgreSQL read the whole 30-day window of (timestamp, user_id,
 * interaction_type) and kept those users' entries: 810k entries for 2,475 users (BENCHMARKS.md,
 * "Automatic agents"); the contract index on (user_id, timestamp) lacks the type and costs a heap
 * fetch per interaction. Built and dropped CONCURRENTLY outside a transaction (docs/data-model.md,
 * "Online migrations").
 */
export class IncrementalScoringIndex1796700000000 implements MigrationInterface {
    name = 'IncrementalScoringIndex1796700000000'
    transaction = false as const

    public async up(queryRunner: QueryRunner): Promise<void> {
        await createIndexOnline(queryRunner, { name: "idx_user_interactions_user_timestamp_type", table: "user_interactions", definition: `("user_id", "timestamp", "interaction_type")` });
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await dropIndexOnline(queryRunner, "idx_user_interactions_user_timestamp_type");
    }

}
