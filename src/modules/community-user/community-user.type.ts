import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { Platform, Tier } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('CommunityUser', {
  implements: Node,
  simpleResolvers: true,
  description: 'A member of the audience on one platform, with the engagement score and tier of the last recompute.',
})
export class CommunityUser {
  @Field(() => ID, { description: 'The community user id.' })
  id!: string;

  @Field({ description: 'The handle on the platform; unique per platform.' })
  handle!: string;

  @Field(() => Platform, { description: 'The platform the handle belongs to.' })
  platform!: Platform;

  @Field(() => String, { nullable: true, description: 'The display name; null when unknown.' })
  displayName!: string | null;

  @Field(() => Tier, { description: 'The tier set by the last recomputeEngagementScores; NEWCOMER before any.' })
  tier!: Tier;

  @Field(() => Float, {
    description: 'Sum of interaction weight x decay over the window of the last recompute (docs/agents.md), >= 0; 0 before any.',
  })
  engagementScore!: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the score or tier last changed (the asOf of that recompute); null before any change.',
  })
  scoreUpdatedAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When the user was first recorded.' })
  createdAt!: Date;
}

export const CommunityUserConnection = connectionType('CommunityUser', CommunityUser);

export const COMMUNITY_USER_COLUMNS = `t.id::text AS id, t.handle, upper(t.platform) AS platform, t.display_name AS "displayName",
  upper(t.tier) AS tier, t.engagement_score AS "engagementScore", t.score_updated_at AS "scoreUpdatedAt", t.created_at AS "createdAt"`;
