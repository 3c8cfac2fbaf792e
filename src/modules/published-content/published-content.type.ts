import { Field, Float, ID, ObjectType } from 'type-graphql';
import { allColumnsSql, ColumnMap } from '../../db/sql/columns';
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

/** A PublishedContent's columns from alias `t`, by field (src/db/sql/columns.ts). */
export const PUBLISHED_CONTENT_FIELDS: ColumnMap = {
  id: 't.id::text',
  platform: 'upper(t.platform)',
  url: 't.url',
  publishedAt: 't.published_at',
  views: 't.views',
  likes: 't.likes',
  comments: 't.comments',
  shares: 't.shares',
  engagementRate: 't.engagement_rate',
  contentPlanId: 't.content_plan_id',
};
/** The columns a page selects whatever the selection: the id (cursors, relations) and the plan's key. */
export const PUBLISHED_CONTENT_KEYS = ['id', 'contentPlanId'] as const;

export const PUBLISHED_CONTENT_COLUMNS = allColumnsSql(PUBLISHED_CONTENT_FIELDS);
