import { MigrationInterface, QueryRunner } from "typeorm";
import { createIndexOnline, dropIndexOnline } from "../src/db/online-ddl";

/**
 * Indexes the agents' statements and the top-users read earn on the benchmark data (EXPLAIN
 * figures in src/agents/conversion.agent.ts and community-user.entity.ts):
 * - user_interactions (timestamp, user_id, interaction_type): the recompute's window as one
 *   index-only range scan instead of a scan of the whole history;
 * - community_users (tier, engagement_score, id): a tier's top users in keyset order without a sort.
 * Built and dropped CONCURRENTLY outside a transaction (docs/data-model.md, "Online migrations").
 */
export class AgentIndexes1795867273166 implements MigrationInterface {
    name = 'AgentIndexes1795867273166'
    transaction = false as const

    public async up(queryRunner: QueryRunner): Promise<void> {
        await createIndexOnline(queryRunner, { name: "idx_community_users_tier_score_id", table: "community_users", definition: `("tier", "engagement_score", "id")` });
        await createIndexOnline(queryRunner, { name: "idx_user_interactions_timestamp_user_type", table: "user_interactions", definition: `("timestamp", "user_id", "interaction_type")` });
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await dropIndexOnline(queryRunner, "idx_user_interactions_timestamp_user_type");
        await dropIndexOnline(queryRunner, "idx_community_users_tier_score_id");
    }

}
