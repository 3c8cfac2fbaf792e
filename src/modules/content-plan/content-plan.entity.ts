import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { checkIn, ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { InsightEntity } from '../insight/insight.entity';

@Entity({ name: 'content_plans' })
@Index('idx_content_plans_created_at_id', ['createdAt', 'id'])
@Index('idx_content_plans_insight_created_at', ['insightId', 'createdAt', 'id'])
@Check('chk_content_plans_format', checkIn('format', ContentFormat))
@Check('chk_content_plans_platform', checkIn('platform', Platform))
@Check('chk_content_plans_status', checkIn('status', PlanStatus))
export class ContentPlanEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ name: 'insight_id', type: 'integer', nullable: true })
  insightId!: number | null;

  @ManyToOne(() => InsightEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'insight_id', foreignKeyConstraintName: 'fk_content_plans_insight' })
  insight?: InsightEntity | null;

  @Column({ type: 'varchar', length: 500 })
  title!: string;

  @Column({ type: 'varchar', length: 20 })
  format!: string;

  @Column({ type: 'varchar', length: 20 })
  platform!: string;

  @Column({ type: 'varchar', length: 20, default: 'draft' })
  status!: string;

  @Column({ name: 'scheduled_for', type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
