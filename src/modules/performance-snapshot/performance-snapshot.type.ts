import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, Platform } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';

@ObjectType('FormatPerformance', { simpleResolvers: true })
export class FormatPerformance {
  @Field(() => ContentFormat)
  format!: ContentFormat;

  @Field(() => Int)
  contentCount!: number;

  @Field(() => SafeIntScalar)
  impressions!: number;

  @Field(() => Float, { nullable: true })
  avgEngagementRate!: number | null;
}

@ObjectType('PlatformPerformance', { simpleResolvers: true })
export class PlatformPerformance {
  @Field(() => Platform)
  platform!: Platform;

  @Field(() => Int)
  contentCount!: number;

  @Field(() => SafeIntScalar)
  impressions!: number;

  @Field(() => Float, { nullable: true })
  avgEngagementRate!: number | null;
}

/** topContent and run are field resolvers (PerformanceSnapshotResolver). */
@ObjectType('PerformanceSnapshot', { simpleResolvers: true })
export class PerformanceSnapshot {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => Int)
  windowDays!: number;

  @Field(() => Platform, { nullable: true, description: 'The platform the snapshot was restricted to; null: every platform.' })
  platform!: Platform | null;

  @Field(() => Int)
  contentCount!: number;

  @Field(() => SafeIntScalar)
  totalImpressions!: number;

  @Field(() => Float, { nullable: true })
  avgEngagementRate!: number | null;

  @Field(() => ContentFormat, { nullable: true })
  bestFormat!: ContentFormat | null;

  @Field(() => Platform, { nullable: true })
  bestPlatform!: Platform | null;

  @Field(() => [FormatPerformance])
  byFormat!: FormatPerformance[];

  @Field(() => [PlatformPerformance])
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
