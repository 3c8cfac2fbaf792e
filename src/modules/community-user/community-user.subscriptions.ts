import { Authorized, Resolver, Subscription } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import { TOPICS } from '../../graphql/live-hub';
import { TierCount } from './tier-distribution';

@Resolver()
export class CommunityUserSubscriptions {
  /** Payload: the distribution counted by the server after the commit (src/live.ts). */
  @Authorized('reader')
  @Subscription(() => [TierCount], {
    topics: TOPICS.tiers,
    description:
      "The tier distribution (every tier in rank order, zeros included, as tierDistribution) after a commit that changed a user's " +
      'tier: a ConversionAgent run that moved a user, a new user from upsertCommunityUser. Close commits may come as one event.',
  })
  tierDistributionChanged(@Parent() tiers: TierCount[]): TierCount[] {
    return tiers;
  }
}
