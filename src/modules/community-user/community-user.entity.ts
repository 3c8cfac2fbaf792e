import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { checkIn, Platform, Tier } from '../../graphql/enums';

@Entity({ name: 'community_users' })
@Unique('uq_community_users_platform_handle', ['platform', 'handle'])
// Contract index: the top users of a tier (filter on tier, order by engagement_score).
@Index('idx_community_user_tier_engagement', ['tier', 'engagementScore'])
// What that read actually walks: communityUsers pages by (engagement_score, id), and without the id
// the planner either sorts the whole tier (190 ms for a 70k-user tier) or scans the score index
// past every other tier (220 ms for NEWCOMER, the lowest scores); with it a page is an index-only
// backward scan of 21 entries (0.13 ms). Costs the recompute ~0.4 s per 100k rewritten users.
@Index('idx_community_users_tier_score_id', ['tier', 'engagementScore', 'id'])
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
