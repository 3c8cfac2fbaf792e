import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The original design's add_indexes step: the three composite indexes that operators check with
 * `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (...)`. Its `down` is that
 * design's rollback plan: drop exactly these three indexes and nothing else.
 */
export class AddPerformanceIndexes1795864999000 implements MigrationInterface {
  name = 'AddPerformanceIndexes1795864999000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_user_interaction_user_timestamp" ON "user_interactions" ("user_id", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "idx_community_user_tier_engagement" ON "community_users" ("tier", "engagement_score")`);
    await queryRunner.query(`CREATE INDEX "idx_published_content_platform_published" ON "published_content" ("platform", "published_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_published_content_platform_published"`);
    await queryRunner.query(`DROP INDEX "public"."idx_community_user_tier_engagement"`);
    await queryRunner.query(`DROP INDEX "public"."idx_user_interaction_user_timestamp"`);
  }
}
