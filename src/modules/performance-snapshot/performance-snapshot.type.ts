import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, Platform } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('FormatPerformance', { simpleResolvers: true, description: "How one content format performed within a snapshot's scope." })
export class FormatPerformance {
  @Field(() => ContentFormat, { description: 'The content format.' })
  format!: ContentFormat;

  @Field(() => Int, { description: 'Count of published content of this format in scope.' })
  contentCount!: number;

  @Field(() => SafeIntScalar, { description: 'Sum of their views (null views count as 0).' })
  impressions!: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the engagement rates that are not null, a ratio; null when none is.' })
  avgEngagementRate!: number | null;
}

@ObjectType('PlatformPerformance', { simpleResolvers: true, description: "How one platform performed within a snapshot's scope." })
export class PlatformPerformance {
  @Field(() => Platform, { description: 'The platform.' })
  platform!: Platform;

  @Field(() => Int, { description: 'Count of published content on this platform in scope.' })
  contentCount!: number;

  @Field(() => SafeIntScalar, { description: 'Sum of their views (null views count as 0).' })
  impressions!: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the engagement rates that are not null, a ratio; null when none is.' })
  avgEngagementRate!: number | null;
}

/** topContent and run are field resolvers (PerformanceSnapshotResolver). */
@ObjectType('PerformanceSnapshot', {
  implements: Node,
  simpleResolvers: true,
  description: 'How published content performed over a window, as stored by createPerformanceSnapshot; never changes.',
})
export class PerformanceSnapshot {
  @Field(() => ID, { description: 'The performance snapshot id.' })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When the snapshot was written.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'The end of the window (inclusive).' })
  asOf!: Date;

  @Field(() => Int, { description: 'Days of published content counted before asOf: 1..3650.' })
  windowDays!: number;

  @Field(() => Platform, { nullable: true, description: 'The platform the snapshot was restricted to; null for all platforms.' })
  platform!: Platform | null;

  @Field(() => Int, { description: 'Count of published content in scope.' })
  contentCount!: number;

  @Field(() => SafeIntScalar, { description: 'Sum of the views of the content in scope (null views count as 0).' })
  totalImpressions!: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the engagement rates that are not null, a ratio; null when none is.' })
  avgEngagementRate!: number | null;

  @Field(() => ContentFormat, {
    nullable: true,
    description: 'The format with the highest avgEngagementRate in byFormat; null when none has a rate.',
  })
  bestFormat!: ContentFormat | null;

  @Field(() => Platform, {
    nullable: true,
    description: 'The platform with the highest avgEngagementRate in byPlatform; null when none has a rate.',
  })
  bestPlatform!: Platform | null;

  @Field(() => [FormatPerformance], {
    description: 'One entry per format with content in scope, highest avgEngagementRate first (nulls last).',
  })
  byFormat!: FormatPerformance[];

  @Field(() => [PlatformPerformance], {
    description: 'One entry per platform with content in scope, highest avgEngagementRate first (nulls last).',
  })
  byPlatform!: PlatformPerformance[];

  /** Not in the schema: up to 100 content ids, best engagement rate first. */
  topContentIds!: number[];

  /** Not in the schema: the key of `run`. */
  runId!: number;
}

export const PerformanceSnapshotConnection = connectionType('PerformanceSnapshot', PerformanceSnapshot);

/** by_format / by_platform are stored in the GraphQL shape (enum names upper-case), best first. */
export const PERFORMANCE_SNAPSHOT_COLUMNS = `t.id::text AS id, t.created_at AS "createdAt", t.as_of AS "asOf",
  t.window_days AS "windowDays", upper(t.platform) AS platform, t.content_count AS "contentCount",
  t.total_impressions AS "totalImpressions", t.avg_engagement_rate AS "avgEngagementRate",
  upper(t.best_format) AS "bestFormat", upper(t.best_platform) AS "bestPlatform", t.by_format AS "byFormat",
  t.by_platform AS "byPlatform", t.top_content_ids AS "topContentIds", t.run_id AS "runId"`;
