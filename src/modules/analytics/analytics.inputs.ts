import { ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { MAX_FIRST } from '../../graphql/connection';
import { ContentFormat, Platform, TimeBucket } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { After, DistinctItems, IntRange, IsTimeZone, ListLength, NotNull } from '../../graphql/validators';
import { ContentFilter } from '../published-content/published-content.inputs';
import { ContentDimension } from './analytics.type';

/** The longest look-back of the analytics reads and the agents, in days (ten years). */
export const MAX_WINDOW_DAYS = 3650;

const TIME_ZONE =
  'IANA time zone name (e.g. Europe/Berlin) of the local days and hours; default UTC (also when null); unknown names are refused.';

/** An explicit null timeZone means the default, UTC. */
@ArgsType()
export class EngagementTimeSeriesArgs {
  @Field(() => TimeBucket, { description: 'The length of one point of the series.' })
  bucket!: TimeBucket;

  @Field(() => DateTimeScalar, { description: 'The start of the series, inclusive (publishedAt >= from).' })
  from!: Date;

  @Field(() => DateTimeScalar, { description: 'The end of the series, exclusive (publishedAt < to); must be after from.' })
  @After('from')
  to!: Date;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: TIME_ZONE })
  @IsTimeZone()
  timeZone!: string | null;

  @Field(() => Platform, { nullable: true, description: 'Only content published on this platform; null for all.' })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true, description: 'Only content whose plan has this format; null for all.' })
  format?: ContentFormat | null;
}

@ArgsType()
export class ContentBreakdownArgs {
  @Field(() => [ContentDimension], { description: 'The dimensions to group by: 1..5 of them, each at most once.' })
  @ListLength(1, Object.keys(ContentDimension).length)
  @DistinctItems()
  groupBy!: ContentDimension[];

  @Field(() => ContentFilter, { nullable: true, description: 'Conditions the content must meet; null for all content.' })
  @ValidateNested()
  filter?: ContentFilter | null;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: `${TIME_ZONE} Used by DAY_OF_WEEK and HOUR_OF_DAY.` })
  @IsTimeZone()
  timeZone!: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 100, description: 'How many rows: 0..100, default 100.' })
  @NotNull()
  @IntRange(0, MAX_FIRST)
  first!: number;
}

@ArgsType()
export class BestPostingTimesArgs {
  @Field(() => Platform, { nullable: true, description: 'Only content published on this platform; null for all.' })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true, description: 'Only content whose plan has this format; null for all.' })
  format?: ContentFormat | null;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: TIME_ZONE })
  @IsTimeZone()
  timeZone!: string | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 90,
    description: 'Days of published content counted, ending now: 1..3650, default 90.',
  })
  @NotNull()
  @IntRange(1, MAX_WINDOW_DAYS)
  windowDays!: number;

  @Field(() => Int, { nullable: true, defaultValue: 3, description: 'Fewest posts a slot needs to be listed: 1 or more, default 3.' })
  @NotNull()
  @IntRange(1, 2 ** 31 - 1)
  minPosts!: number;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'How many slots: 0..100, default 10.' })
  @NotNull()
  @IntRange(0, MAX_FIRST)
  first!: number;
}
