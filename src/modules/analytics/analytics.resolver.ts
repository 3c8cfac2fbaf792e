import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import { cached } from '../../cache';
import type { Context } from '../../context';
import { Insight } from '../insight/insight.type';
import { BestPostingTimesArgs, ContentBreakdownArgs, EngagementTimeSeriesArgs } from './analytics.inputs';
import { ContentBreakdownRow, EngagementPoint, PostingSlot } from './analytics.type';
import { bestPostingTimes } from './best-posting-times.service';
import { contentBreakdown } from './content-breakdown.service';
import { engagementTimeSeries } from './engagement-time-series.service';

/** An explicit null time zone means the default; the cache key holds the zone actually used. */
const withTimeZone = <A extends { timeZone: string | null }>(args: A) => ({ ...args, timeZone: args.timeZone ?? 'UTC' });

/** Dashboard aggregates; each answer goes through the result cache (src/cache). */
@Resolver()
export class AnalyticsResolver {
  @Authorized('reader')
  @Query(() => [EngagementPoint], {
    description:
      'Content per bucket of publishedAt in timeZone, from <= publishedAt < to; every bucket from the one holding `from` ' +
      'to the one holding the last instant before `to`, empty ones included. WEEK starts on Monday. At most 1000 buckets.',
  })
  engagementTimeSeries(@Args() args: EngagementTimeSeriesArgs, @Ctx() ctx: Context): Promise<EngagementPoint[]> {
    const a = withTimeZone(args);
    return cached(ctx, 'engagementTimeSeries', a, () => engagementTimeSeries(ctx.db, a));
  }

  @Authorized('reader')
  @Query(() => [ContentBreakdownRow], {
    description: 'Content grouped by the given dimensions; ordered by avgEngagementRate desc (nulls last), then contentCount desc.',
  })
  contentBreakdown(@Args() args: ContentBreakdownArgs, @Ctx() ctx: Context): Promise<ContentBreakdownRow[]> {
    const a = withTimeZone(args);
    return cached(ctx, 'contentBreakdown', a, () => contentBreakdown(ctx.db, a));
  }

  @Authorized('reader')
  @Query(() => [PostingSlot], {
    description:
      'The weekly hour slots (in timeZone) whose content published in the last windowDays days had the highest mean ' +
      'engagement rate; only content with an engagement rate counts; slots with fewer than minPosts such posts are left out. ' +
      'Ties: more posts first, then higher avgViews, then earlier dayOfWeek and hourOfDay.',
  })
  bestPostingTimes(@Args() args: BestPostingTimesArgs, @Ctx() ctx: Context): Promise<PostingSlot[]> {
    const a = withTimeZone(args);
    return cached(ctx, 'bestPostingTimes', a, () => bestPostingTimes(ctx.db, a));
  }
}

@Resolver(() => ContentBreakdownRow)
export class ContentBreakdownRowResolver {
  @FieldResolver(() => Insight, { nullable: true, description: 'Set when grouped by INSIGHT (null for content without one).' })
  insight(@Parent() row: ContentBreakdownRow, @Ctx() ctx: Context): Promise<Insight | null> | null {
    return row.insightId === null ? null : ctx.loaders.insight.load(Number(row.insightId));
  }
}
