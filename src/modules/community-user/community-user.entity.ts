import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { checkIn, Platform, Tier } from '../../graphql/enums';

@Entity({ name: 'community_users' })
@Unique('uq_community_users_platform_handle', ['platform', 'handle'])
// Contract index: the top users of a tier (filter on tier, order by engagement_score).
@Index('idx_community_user_tier_engagement', ['tier', 'engagementScore'])
@Index('idx_community_users_score_id', ['engagementScore', 'id'])
@Index('idx_community_users_created_at_id', ['createdAt', 'id'])
@Check('chk_community_users_platform', checkIn('platform', Platform))
@Check('chk_community_users_tier', checkIn('tier', Tier))
export class CommunityUserEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ type: 'varchar', length: 500 })
  handle!: string;

  @Column({ type: 'varchar', length: 20 })
  platform!: string;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 20, default: 'newcomer' })
  tier!: string;

  @Column({ name: 'engagement_score', type: 'double precision', default: 0 })
  engagementScore!: number;

  @Column({ name: 'score_updated_at', type: 'timestamptz', nullable: true })
  scoreUpdatedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
