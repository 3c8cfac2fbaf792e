import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { Platform } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('PublishedContent', {
  implements: Node,
  simpleResolvers: true,
  description: 'A content plan as published on a platform, with the metrics the platform reports.',
})
export class PublishedContent {
  @Field(() => ID, { description: 'The published content id.' })
  id!: string;

  @Field(() => Platform, { description: 'The platform it was published on.' })
  platform!: Platform;

  @Field(() => String, { nullable: true, description: 'Its public URL; null when unknown.' })
  url!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was published.' })
  publishedAt!: Date;

  @Field(() => SafeIntScalar, {
    nullable: true,
    description: 'Count of impressions reported by the platform, 0..1e12; null until measured.',
  })
  views!: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Count of likes reported by the platform, 0..1e12; null until measured.' })
  likes!: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Count of comments reported by the platform, 0..1e12; null until measured.' })
  comments!: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Count of shares reported by the platform, 0..1e12; null until measured.' })
  shares!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '(likes + comments + shares) / views, a ratio (0.05 = 5%), 0..1000; null until measured.',
  })
  engagementRate!: number | null;

  /** Not in the schema: the key for the `contentPlan` relation. */
  contentPlanId!: number;
}

export const PublishedContentConnection = connectionType('PublishedContent', PublishedContent);

export const PUBLISHED_CONTENT_COLUMNS = `t.id::text AS id, upper(t.platform) AS platform, t.url, t.published_at AS "publishedAt",
  t.views, t.likes, t.comments, t.shares, t.engagement_rate AS "engagementRate", t.content_plan_id AS "contentPlanId"`;
