import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ContentFormat, Platform } from '../../graphql/enums';
import { DateTimeScalar, SafeIntScalar } from '../../graphql/scalars';

export enum ContentDimension {
  FORMAT = 'FORMAT',
  PLATFORM = 'PLATFORM',
  INSIGHT = 'INSIGHT',
  DAY_OF_WEEK = 'DAY_OF_WEEK',
  HOUR_OF_DAY = 'HOUR_OF_DAY',
}
registerEnumType(ContentDimension, {
  name: 'ContentDimension',
  description: 'What contentBreakdown groups by. DAY_OF_WEEK and HOUR_OF_DAY are local to its timeZone.',
  valuesConfig: {
    FORMAT: { description: "The content plan's format." },
    PLATFORM: { description: 'The platform the content was published on.' },
    INSIGHT: { description: "The content plan's insight (content without one forms its own group, insight null)." },
    DAY_OF_WEEK: { description: 'ISO day of the week of publishedAt: 1 = Monday .. 7 = Sunday.' },
    HOUR_OF_DAY: { description: 'Hour of publishedAt, 0..23.' },
  },
});

@ObjectType('EngagementPoint', { simpleResolvers: true, description: 'One bucket of engagementTimeSeries.' })
export class EngagementPoint {
  @Field(() => DateTimeScalar, { description: 'First instant of the bucket (local midnight, Monday or 1st in the time zone, as UTC).' })
  bucketStart!: Date | string;

  @Field(() => Int, { description: 'Count of content published in the bucket; 0 for an empty bucket.' })
  contentCount!: number;

  @Field(() => SafeIntScalar, { description: 'Sum of views, a count of impressions (null views count as 0).' })
  impressions!: number;

  @Field(() => Float, { nullable: true, description: 'Mean engagement rate of the content that has one, a ratio; null when none has.' })
  avgEngagementRate!: number | null;
}

@ObjectType('ContentBreakdownRow', {
  simpleResolvers: true,
  description: 'One group of contentBreakdown; the dimensions not grouped on are null.',
})
export class ContentBreakdownRow {
  @Field(() => ContentFormat, { nullable: true, description: 'The format of this group; null when not grouped by FORMAT.' })
  format!: ContentFormat | null;

  @Field(() => Platform, { nullable: true, description: 'The platform of this group; null when not grouped by PLATFORM.' })
  platform!: Platform | null;

  /** Not in the schema: the key the `insight` field resolves through the loader. */
  insightId!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'ISO day of the week of publishedAt in the time zone, 1 = Monday .. 7 = Sunday; null when not grouped by DAY_OF_WEEK.',
  })
  dayOfWeek!: number | null;

  @Field(() => Int, { nullable: true, description: 'Hour of publishedAt in the time zone, 0..23; null when not grouped by HOUR_OF_DAY.' })
  hourOfDay!: number | null;

  @Field(() => Int, { description: 'Count of published content in this group.' })
  contentCount!: number;

  @Field(() => SafeIntScalar, { description: 'Sum of views, a count of impressions (null views count as 0).' })
  impressions!: number;

  @Field(() => Float, { nullable: true, description: 'Mean engagement rate of the content that has one, a ratio; null when none has.' })
  avgEngagementRate!: number | null;
}

@ObjectType('PostingSlot', {
  simpleResolvers: true,
  description:
    'A weekly hour slot (day of week and hour, in the time zone). Only content with a known engagement rate counts: ' +
    '`posts` is how many such items were published in the slot, and both averages are over those items.',
})
export class PostingSlot {
  @Field(() => Int, { description: 'ISO day of the week in the time zone, 1 = Monday .. 7 = Sunday.' })
  dayOfWeek!: number;

  @Field(() => Int, { description: 'Hour of the day in the time zone, 0..23.' })
  hourOfDay!: number;

  @Field(() => Int, { description: 'Content items with a non-null engagement rate published in this slot.' })
  posts!: number;

  @Field(() => Float, { description: 'Mean engagement rate of those posts, a ratio.' })
  avgEngagementRate!: number;

  @Field(() => Float, { description: 'Mean views of those posts (null views count as 0).' })
  avgViews!: number;
}
