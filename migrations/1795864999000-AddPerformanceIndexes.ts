import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexOnline, dropIndexOnline } from '../src/db/online-ddl';

/**
 * The original design's add_indexes step: the three composite indexes that operators check with
 * `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (...)`. Its `down` is that
 * design's rollback plan: drop exactly these three indexes and nothing else. Built and dropped
 * CONCURRENTLY outside a transaction, so a live database keeps taking writes (docs/data-model.md,
 * "Online migrations").
 */
export class AddPerformanceIndexes1795864999000 implements MigrationInterface {
  name = 'AddPerformanceIndexes1795864999000';
  transaction = false as const;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await createIndexOnline(queryRunner, { name: 'idx_user_interaction_user_timestamp', table: 'user_interactions', definition: '("user_id", "timestamp")' });
    await createIndexOnline(queryRunner, { name: 'idx_community_user_tier_engagement', table: 'community_users', definition: '("tier", "engagement_score")' });
    await createIndexOnline(queryRunner, {
      name: 'idx_published_content_platform_published',
      table: 'published_content',
      definition: '("platform", "published_at")',
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexOnline(queryRunner, 'idx_published_content_platform_published');
    await dropIndexOnline(queryRunner, 'idx_community_user_tier_engagement');
    await dropIndexOnline(queryRunner, 'idx_user_interaction_user_timestamp');
  }
}
