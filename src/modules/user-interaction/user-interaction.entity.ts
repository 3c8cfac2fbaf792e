import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { checkIn, InteractionType } from '../../graphql/enums';
import { CommunityUserEntity } from '../community-user/community-user.entity';
import { PublishedContentEntity } from '../published-content/published-content.entity';

// Partitioned by month on `timestamp` (docs/data-model.md "Partitions", src/db/partitions.ts): the
// primary key must hold the partition key, so it is (id, timestamp); `id` alone stays unique in
// practice (an identity), and the indexes below are partitioned indexes (one per partition).
@Entity({ name: 'user_interactions' })
// Contract index: a user's interactions in a time window (the engagement recompute, CommunityUser.interactions).
@Index('idx_user_interaction_user_timestamp', ['userId', 'timestamp'])
@Index('idx_user_interactions_content_timestamp', ['contentId', 'timestamp'])
// The engagement recompute's window (a range on timestamp for every user at once) as one
// index-only range scan: see src/agents/conversion.agent.ts.
@Index('idx_user_interactions_timestamp_user_type', ['timestamp', 'userId', 'interactionType'])
@Check('chk_user_interactions_type', checkIn('interaction_type', InteractionType))
export class UserInteractionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => CommunityUserEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_interactions_user' })
  user?: CommunityUserEntity;

  @Column({ name: 'content_id', type: 'integer', nullable: true })
  contentId!: number | null;

  @ManyToOne(() => PublishedContentEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'content_id', foreignKeyConstraintName: 'fk_user_interactions_content' })
  content?: PublishedContentEntity | null;

  @Column({ name: 'interaction_type', type: 'varchar', length: 20 })
  interactionType!: string;

  @PrimaryColumn({ type: 'timestamptz', default: () => 'now()' })
  timestamp!: Date;
}
