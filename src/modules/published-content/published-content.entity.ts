import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { checkIn, Platform } from '../../graphql/enums';
import { ContentPlanEntity } from '../content-plan/content-plan.entity';

@Entity({ name: 'published_content' })
// Contract index (operators rely on the name): the platform filter over a published_at range.
@Index('idx_published_content_platform_published', ['platform', 'publishedAt'])
@Index('idx_published_content_published_at_id', ['publishedAt', 'id'])
@Index('idx_published_content_plan', ['contentPlanId'])
// The snapshot's top 100 by rate, read in order (migrations/1796800000000-SnapshotTopIndex.ts; engagement_rate DESC there, an order TypeORM does not model).
@Index('idx_published_content_engagement_top', ['engagementRate', 'id'], { where: '"engagement_rate" IS NOT NULL' })
@Check('chk_published_content_platform', checkIn('platform', Platform))
export class PublishedContentEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ name: 'content_plan_id', type: 'integer' })
  contentPlanId!: number;

  @ManyToOne(() => ContentPlanEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_plan_id', foreignKeyConstraintName: 'fk_published_content_plan' })
  contentPlan?: ContentPlanEntity;

  @Column({ type: 'varchar', length: 20 })
  platform!: string;

  /** Its plan's format, kept so by triggers (migrations/1796300000000-ContentFormat.ts). */
  @Column({ type: 'varchar', length: 20 })
  format!: string;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;

  @Column({ type: 'bigint', nullable: true })
  views!: number | null;

  @Column({ type: 'bigint', nullable: true })
  likes!: number | null;

  @Column({ type: 'bigint', nullable: true })
  comments!: number | null;

  @Column({ type: 'bigint', nullable: true })
  shares!: number | null;

  @Column({ name: 'engagement_rate', type: 'double precision', nullable: true })
  engagementRate!: number | null;
}
