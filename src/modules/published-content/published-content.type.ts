import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { Platform } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';

@ObjectType('PublishedContent', { simpleResolvers: true })
export class PublishedContent {
  @Field(() => ID)
  id!: string;

  @Field(() => Platform)
  platform!: Platform;

  @Field(() => String, { nullable: true })
  url!: string | null;

  @Field(() => DateTimeScalar)
  publishedAt!: Date;

  @Field(() => SafeIntScalar, { nullable: true })
  views!: number | null;

  @Field(() => SafeIntScalar, { nullable: true })
  likes!: number | null;

  @Field(() => SafeIntScalar, { nullable: true })
  comments!: number | null;

  @Field(() => SafeIntScalar, { nullable: true })
  shares!: number | null;

  @Field(() => Float, { nullable: true })
  engagementRate!: number | null;

  /** Not in the schema: the key for the `contentPlan` relation. */
  contentPlanId!: number;
}

export const PublishedContentConnection = connectionType('PublishedContent', PublishedContent);

export const PUBLISHED_CONTENT_COLUMNS = `t.id::text AS id, upper(t.platform) AS platform, t.url, t.published_at AS "publishedAt",
  t.views, t.likes, t.comments, t.shares, t.engagement_rate AS "engagementRate", t.content_plan_id AS "contentPlanId"`;
