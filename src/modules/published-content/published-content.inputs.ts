import { Max, Min, ValidateNested } from 'class-validator';
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

@InputType()
export class ContentFilter {
  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  publishedAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  publishedBefore?: Date | null;

  @Field(() => ID, { nullable: true })
  @IsEntityId()
  insightId?: string | null;
}

@InputType()
export class ContentOrder {
  @Field(() => ContentOrderField)
  field!: ContentOrderField;

  @Field(() => SortDirection)
  direction!: SortDirection;
}

@ArgsType()
export class ContentsArgs extends ConnectionArgs {
  @Field(() => ContentFilter, { nullable: true })
  @ValidateNested()
  filter?: ContentFilter | null;

  @Field(() => ContentOrder, { nullable: true, defaultValue: { field: ContentOrderField.PUBLISHED_AT, direction: SortDirection.DESC } })
  @ValidateNested()
  orderBy?: ContentOrder | null;
}

@InputType()
export class PublishContentInput {
  @Field(() => ID)
  @IsEntityId()
  contentPlanId!: string;

  @Field(() => Platform, { nullable: true, description: "Default: the plan's platform." })
  platform?: Platform | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Default: now.' })
  publishedAt?: Date | null;
}

@InputType({ description: 'Metrics left out (or null) keep their stored value.' })
export class UpdateContentMetricsInput {
  @Field(() => ID)
  @IsEntityId()
  contentId!: string;

  @Field(() => SafeIntScalar, { nullable: true, description: `0 to ${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  views?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `0 to ${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  likes?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `0 to ${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  comments?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: `0 to ${MAX_METRIC_COUNT}.` })
  @IntRange(0, MAX_METRIC_COUNT)
  shares?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: `0 to ${MAX_ENGAGEMENT_RATE}. Default: (likes + comments + shares) / views when views > 0.`,
  })
  @Min(0)
  @Max(MAX_ENGAGEMENT_RATE)
  engagementRate?: number | null;
}

@ArgsType()
export class PublishContentArgs {
  @Field(() => PublishContentInput)
  @ValidateNested()
  input!: PublishContentInput;
}

@ArgsType()
export class UpdateContentMetricsArgs {
  @Field(() => UpdateContentMetricsInput)
  @ValidateNested()
  input!: UpdateContentMetricsInput;
}
