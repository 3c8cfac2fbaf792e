import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AgentRunEntity } from '../agent-run/agent-run.entity';

/** One PerformanceAnalyticsAgent result; written once, never updated. */
@Entity({ name: 'performance_snapshots' })
@Index('idx_performance_snapshots_created_at_id', ['createdAt', 'id'])
@Index('idx_performance_snapshots_platform_created', ['platform', 'createdAt', 'id'])
export class PerformanceSnapshotEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  @Column({ name: 'window_days', type: 'integer' })
  windowDays!: number;

  @Column({ type: 'varchar', length: 20, nullable: true })
  platform!: string | null;

  @Column({ name: 'content_count', type: 'integer' })
  contentCount!: number;

  @Column({ name: 'total_impressions', type: 'bigint' })
  totalImpressions!: number;

  @Column({ name: 'avg_engagement_rate', type: 'double precision', nullable: true })
  avgEngagementRate!: number | null;

  @Column({ name: 'best_format', type: 'varchar', length: 20, nullable: true })
  bestFormat!: string | null;

  @Column({ name: 'best_platform', type: 'varchar', length: 20, nullable: true })
  bestPlatform!: string | null;

  /** [{format, contentCount, impressions, avgEngagementRate}] in the contract's order. */
  @Column({ name: 'by_format', type: 'jsonb' })
  byFormat!: unknown;

  @Column({ name: 'by_platform', type: 'jsonb' })
  byPlatform!: unknown;

  /** Up to 100 published_content ids, best engagement rate first. */
  @Column({ name: 'top_content_ids', type: 'integer', array: true })
  topContentIds!: number[];

  @Column({ name: 'run_id', type: 'bigint' })
  runId!: number;

  @ManyToOne(() => AgentRunEntity, { nullable: false })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_performance_snapshots_run' })
  run?: AgentRunEntity;
}
