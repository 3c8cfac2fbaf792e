import { ArgsType, Field, Int } from 'type-graphql';
import { ContentFormat, Platform, TimeBucket } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { ContentFilter } from '../published-content/published-content.inputs';
import { ContentDimension } from './analytics.type';

const TIME_ZONE = 'An IANA time zone name (e.g. Europe/Berlin); unknown names are BAD_USER_INPUT.';

@ArgsType()
export class EngagementTimeSeriesArgs {
  @Field(() => TimeBucket)
  bucket!: TimeBucket;

  @Field(() => DateTimeScalar, { description: 'Inclusive.' })
  from!: Date;

  @Field(() => DateTimeScalar, { description: 'Exclusive; must be after `from`.' })
  to!: Date;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: TIME_ZONE })
  timeZone!: string | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;
}

@ArgsType()
export class ContentBreakdownArgs {
  @Field(() => [ContentDimension], { description: 'At least one dimension, each at most once.' })
  groupBy!: ContentDimension[];

  @Field(() => ContentFilter, { nullable: true })
  filter?: ContentFilter | null;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: `${TIME_ZONE} Used by DAY_OF_WEEK and HOUR_OF_DAY.` })
  timeZone!: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 100, description: '0..100 rows.' })
  first!: number;
}

@ArgsType()
export class BestPostingTimesArgs {
  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => String, { nullable: true, defaultValue: 'UTC', description: TIME_ZONE })
  timeZone!: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 90, description: 'Content published in the last windowDays days (1..3650).' })
  windowDays!: number;

  @Field(() => Int, { nullable: true, defaultValue: 3, description: 'Slots with fewer posts are left out (at least 1).' })
  minPosts!: number;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: '0..100 slots.' })
  first!: number;
}
