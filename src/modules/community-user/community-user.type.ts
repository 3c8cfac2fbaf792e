import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { Platform, Tier } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType('CommunityUser', { simpleResolvers: true })
export class CommunityUser {
  @Field(() => ID)
  id!: string;

  @Field()
  handle!: string;

  @Field(() => Platform)
  platform!: Platform;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => Tier)
  tier!: Tier;

  @Field(() => Float)
  engagementScore!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  scoreUpdatedAt!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const CommunityUserConnection = connectionType('CommunityUser', CommunityUser);

export const COMMUNITY_USER_COLUMNS = `t.id::text AS id, t.handle, upper(t.platform) AS platform, t.display_name AS "displayName",
  upper(t.tier) AS tier, t.engagement_score AS "engagementScore", t.score_updated_at AS "scoreUpdatedAt", t.created_at AS "createdAt"`;
