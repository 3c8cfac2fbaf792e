import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Indexes the agents' statements and the top-users read earn on the benchmark data (EXPLAIN
 * figures in src/agents/conversion.agent.ts and community-user.entity.ts):
 * - user_interactions (timestamp, user_id, interaction_type): the recompute's window as one
 *   index-only range scan instead of a scan of the whole history;
 * - community_users (tier, engagement_score, id): a tier's top users in keyset order without a sort.
 */
export class AgentIndexes1795867273166 implements MigrationInterface {
    name = 'AgentIndexes1795867273166'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_community_users_tier_score_id" ON "community_users"  ("tier", "engagement_score", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_user_interactions_timestamp_user_type" ON "user_interactions"  ("timestamp", "user_id", "interaction_type") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_user_interactions_timestamp_user_type"`);
        await queryRunner.query(`DROP INDEX "public"."idx_community_users_tier_score_id"`);
    }

}
