/**
 * bestPostingTimes: the weekly hour slots (ISO day of week and hour, in the time zone) whose
 * content published in the last `windowDays` days (up to now) had the highest mean engagement
 * rate. Only content with a known engagement rate counts, for `posts` and both averages: content
 * not yet measured says nothing about its slot. Slots with fewer than `minPosts` posts are left out.
 * Order: avgEngagementRate desc, then posts desc, avgViews desc, dayOfWeek asc, hourOfDay asc.
 * The window moves with now(): a cached answer may lag it by up to CACHE_TTL_SECONDS (never a write).
 */
import { cached } from '../../cache';
import type { Context } from '../../context';
import type { Db } from '../../db/db';
import { BadUserInputError } from '../../errors';
import { checkFirst } from '../../graphql/connection';
import { toDb } from '../../graphql/enums';
import { Params } from '../../graphql/sql-params';
import type { BestPostingTimesArgs } from './analytics.inputs';
import type { PostingSlot } from './analytics.type';
import { checkTimeZone } from './time-zone';

export const MAX_WINDOW_DAYS = 3650;

function checkRange(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${name} must be between ${min} and ${max}, got ${value}`, name);
  }
  return value;
}

export async function bestPostingTimes(ctx: Context, args: BestPostingTimesArgs): Promise<PostingSlot[]> {
  const first = checkFirst(args.first);
  const windowDays = checkRange(args.windowDays, 'windowDays', 1, MAX_WINDOW_DAYS);
  const minPosts = checkRange(args.minPosts, 'minPosts', 1, 2 ** 31 - 1);
  const timeZone = await checkTimeZone(ctx.db, args.timeZone);
  const normalized = { platform: args.platform ?? null, format: args.format ?? null, timeZone, windowDays, minPosts, first };
  return cached(ctx, 'bestPostingTimes', normalized, () => querySlots(ctx.db, normalized));
}

async function querySlots(db: Db, a: Omit<BestPostingTimesArgs, 'timeZone'> & { timeZone: string }): Promise<PostingSlot[]> {
  const p = new Params();
  const tz = `${p.add(a.timeZone)}::text`;
  const conds = [
    't.engagement_rate IS NOT NULL',
    `t.published_at >= now() - make_interval(days => ${p.add(a.windowDays)}::int)`,
    't.published_at <= now()',
  ];
  if (a.platform) conds.push(`t.platform = ${p.add(toDb(a.platform))}`);
  if (a.format) conds.push(`cp.format = ${p.add(toDb(a.format))}`);
  const from = a.format ? 'published_content t JOIN content_plans cp ON cp.id = t.content_plan_id' : 'published_content t';
  // Two levels: rows into local hours (one time zone conversion per row), hours into weekly slots.
  return db.query<PostingSlot>(
    `SELECT extract(isodow FROM h.local_hour)::int AS "dayOfWeek", extract(hour FROM h.local_hour)::int AS "hourOfDay",
            sum(h.n)::int AS posts, sum(h.rate_sum) / sum(h.n) AS "avgEngagementRate",
            sum(h.views_sum) / sum(h.n) AS "avgViews"
       FROM (SELECT date_trunc('hour', t.published_at AT TIME ZONE ${tz}) AS local_hour, count(*) AS n,
                    sum(t.engagement_rate) AS rate_sum, sum(coalesce(t.views, 0))::float8 AS views_sum
               FROM ${from}
              WHERE ${conds.join(' AND ')}
              GROUP BY 1) h
      GROUP BY 1, 2
     HAVING sum(h.n) >= ${p.add(a.minPosts)}::int
      ORDER BY "avgEngagementRate" DESC, posts DESC, "avgViews" DESC, 1, 2
      LIMIT ${p.add(a.first)}::int`,
    p.values,
  );
}
