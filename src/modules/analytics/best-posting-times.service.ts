/**
 * bestPostingTimes: the weekly hour slots (ISO day of week and hour, in the time zone) whose
 * content published in the last `windowDays` days (up to now) had the highest mean engagement
 * rate. Only content with a known engagement rate counts, for `posts` and both averages: content
 * not yet measured says nothing about its slot. Slots with fewer than `minPosts` posts are left out.
 * Order: avgEngagementRate desc, then posts desc, avgViews desc, dayOfWeek asc, hourOfDay asc.
 * The window moves with now(): a cached answer may lag it by up to CACHE_TTL_SECONDS (never a write).
 */
import type { Db } from '../../db/db';
import { contentFilter } from '../../db/sql/content-filter';
import { Params } from '../../db/sql/params';
import { contentScope } from '../published-content/published-content.service';
import type { BestPostingTimesArgs } from './analytics.inputs';
import type { PostingSlot } from './analytics.type';

/** `args` validated, with the time zone's default applied. */
export function bestPostingTimes(db: Db, args: BestPostingTimesArgs & { timeZone: string }): Promise<PostingSlot[]> {
  const p = new Params();
  const tz = `${p.add(args.timeZone)}::text`;
  const filter = contentFilter(contentScope(args));
  const conds = [
    ...filter.conds(p),
    't.engagement_rate IS NOT NULL',
    `t.published_at >= now() - make_interval(days => ${p.add(args.windowDays)}::int)`,
    't.published_at <= now()',
  ];
  // Two levels: rows into local hours (one time zone conversion per row), hours into weekly slots.
  return db.query<PostingSlot>(
    `SELECT extract(isodow FROM h.local_hour)::int AS "dayOfWeek", extract(hour FROM h.local_hour)::int AS "hourOfDay",
            sum(h.n)::int AS posts, sum(h.rate_sum) / sum(h.n) AS "avgEngagementRate",
            sum(h.views_sum) / sum(h.n) AS "avgViews"
       FROM (SELECT date_trunc('hour', t.published_at AT TIME ZONE ${tz}) AS local_hour, count(*) AS n,
                    sum(t.engagement_rate) AS rate_sum, sum(coalesce(t.views, 0))::float8 AS views_sum
               FROM ${filter.from}
              WHERE ${conds.join(' AND ')}
              GROUP BY 1) h
      GROUP BY 1, 2
     HAVING sum(h.n) >= ${p.add(args.minPosts)}::int
      ORDER BY "avgEngagementRate" DESC, posts DESC, "avgViews" DESC, 1, 2
      LIMIT ${p.add(args.first)}::int`,
    p.values,
  );
}
