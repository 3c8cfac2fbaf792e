import { MigrationInterface, QueryRunner } from "typeorm";

export class AgentIndexes1795866776585 implements MigrationInterface {
    name = 'AgentIndexes1795866776585'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_user_interactions_timestamp_user_type" ON "user_interactions"  ("timestamp", "user_id", "interaction_type") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_user_interactions_timestamp_user_type"`);
    }

}
