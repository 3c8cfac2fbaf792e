import { Max, Min, ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, Float, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { ContentFormat, ContentOrderField, Platform, SortDirection } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';
import { IntRange, IsEntityId } from '../../graphql/validators';

/**
 * Bounds of the metrics (docs/api.md "Writes"): far above any real item (no post has had a trillion
 * views; a rate is a ratio that may exceed 1, not by a million), and low enough that the aggregates
 * over them stay exact or saturate cleanly instead of failing.
 */
export const MAX_METRIC_COUNT = 1e12;
export const MAX_ENGAGEMENT_RATE = 1000;

@InputType({ description: 'Conditions on published content; all given conditions must hold, and one left out or null does not filter.' })
export class ContentFilter {
  @Field(() => Platform, { nullable: true, description: 'Only content published on this platform.' })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true, description: 'Only content whose plan has this format.' })
  format?: ContentFormat | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only content published at or after this time (inclusive).' })
  publishedAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only content published at or before this time (inclusive).' })
  publishedBefore?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Only content whose plan was drawn from this insight.' })
  @IsEntityId()
  insightId?: string | null;
}

@InputType({ description: 'A sort order for published content; ties are broken by id in the same direction.' })
export class ContentOrder {
  @Field(() => ContentOrderField, { description: 'The key to sort by.' })
  field!: ContentOrderField;

  @Field(() => SortDirection, { description: 'Ascending or descending.' })
  direction!: SortDirection;
}

@ArgsType()
export class ContentsArgs extends ConnectionArgs {
  @Field(() => ContentFilter, { nullable: true, description: 'Conditions the content must meet; null for all content.' })
  @ValidateNested()
  filter?: ContentFilter | null;

  @Field(() => ContentOrder, {
    nullable: true,
    defaultValue: { field: ContentOrderField.PUBLISHED_AT, direction: SortDirection.DESC },
    description: 'The sort order; default PUBLISHED_AT DESC (newest first).',
  })
  @ValidateNested()
  orderBy?: ContentOrder | null;
}

@InputType({ description: 'A content plan to mark as published, with where and when.' })
export class PublishContentInput {
  @Field(() => ID, { description: 'The id of the content plan that was published; the plan becomes PUBLISHED.' })
  @IsEntityId()
  contentPlanId!: string;

  @Field(() => Platform, { nullable: true, description: "The platform it was published on; default the plan's platform." })
  platform?: Platform | null;

  @Field(() => String, { nullable: true, description: 'The public URL; null when unknown.' })
  url?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was published; default now.' })
  publishedAt?: Date | null;
}

@InputType({ description: 'Metrics left out (or null) keep their stored value.' })
export class UpdateContentMetricsInput {
  @Field(() => ID, { description: 'The id of the published content to update.' })
  @IsEntityId()
  contentId!: string;

  @Field(() => SafeIntScalar, { nullable: true, description: `Count of impressions reported by the platform, 0..${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  views?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `Count of likes reported by the platform, 0..${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  likes?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `Count of comments reported by the platform, 0..${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  comments?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `Count of shares reported by the platform, 0..${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  shares?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: `(likes + comments + shares) / views, a ratio, 0..${MAX_ENGAGEMENT_RATE}; default: from the counts when views > 0.`,
  })
  @Min(0)
  @Max(MAX_ENGAGEMENT_RATE)
  engagementRate?: number | null;
}

@ArgsType()
export class PublishContentArgs {
  @Field(() => PublishContentInput, { description: 'The content plan to publish, and where and when.' })
  @ValidateNested()
  input!: PublishContentInput;
}

@ArgsType()
export class UpdateContentMetricsArgs {
  @Field(() => UpdateContentMetricsInput, { description: 'The content and the metrics to store.' })
  @ValidateNested()
  input!: UpdateContentMetricsInput;
}
