/**
 * contentBreakdown: content grouped by any set of dimensions in one GROUP BY statement, ordered by
 * avgEngagementRate desc (nulls last), then contentCount desc, then the group keys (so that equal
 * groups come back in a stable order). The ContentFilter is the one `contents` takes.
 */
import { cached } from '../../cache';
import type { Context } from '../../context';
import type { Db } from '../../db/db';
import { BadUserInputError } from '../../errors';
import { checkFirst } from '../../graphql/connection';
import { Params } from '../../graphql/sql-params';
import { contentFilterSql } from '../published-content/published-content.service';
import type { ContentBreakdownArgs } from './analytics.inputs';
import { ContentBreakdownRow, ContentDimension } from './analytics.type';
import { checkTimeZone } from './time-zone';

/**
 * Whitelisted SQL per dimension: the grouping key (also the tie-break order), the output column
 * built from it, and whether the plan must be joined.
 */
interface DimensionSql { key: (tz: () => string) => string; out: (key: string) => string; alias: string; needsPlan: boolean }
const DIMENSIONS: Record<ContentDimension, DimensionSql> = {
  [ContentDimension.FORMAT]: { key: () => 'cp.format', out: (k) => `upper(${k})`, alias: 'format', needsPlan: true },
  [ContentDimension.PLATFORM]: { key: () => 't.platform', out: (k) => `upper(${k})`, alias: 'platform', needsPlan: false },
  [ContentDimension.INSIGHT]: { key: () => 'cp.insight_id', out: (k) => `${k}::text`, alias: 'insightId', needsPlan: true },
  [ContentDimension.DAY_OF_WEEK]: {
    key: (tz) => `extract(isodow FROM t.published_at AT TIME ZONE ${tz()})::int`, out: (k) => k, alias: 'dayOfWeek', needsPlan: false,
  },
  [ContentDimension.HOUR_OF_DAY]: {
    key: (tz) => `extract(hour FROM t.published_at AT TIME ZONE ${tz()})::int`, out: (k) => k, alias: 'hourOfDay', needsPlan: false,
  },
};

const PLAN_JOIN = 'published_content t JOIN content_plans cp ON cp.id = t.content_plan_id';

export function checkGroupBy(groupBy: ContentDimension[]): ContentDimension[] {
  if (groupBy.length === 0) throw new BadUserInputError('groupBy must name at least one dimension', 'groupBy');
  const dup = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
  if (dup) throw new BadUserInputError(`groupBy names ${dup} more than once`, 'groupBy');
  return groupBy;
}

export async function contentBreakdown(ctx: Context, args: ContentBreakdownArgs): Promise<ContentBreakdownRow[]> {
  const groupBy = checkGroupBy(args.groupBy);
  const first = checkFirst(args.first);
  const timeZone = await checkTimeZone(ctx.db, args.timeZone);
  const filterSql = contentFilterSql(args.filter); // validates filter.insightId before any caching
  const normalized = { groupBy, filter: args.filter ?? null, timeZone, first };
  return cached(ctx, 'contentBreakdown', normalized, () => queryBreakdown(ctx.db, normalized, filterSql));
}

async function queryBreakdown(
  db: Db,
  args: { groupBy: ContentDimension[]; timeZone: string; first: number },
  filterSql: ReturnType<typeof contentFilterSql>,
): Promise<ContentBreakdownRow[]> {
  const p = new Params();
  let tzParam: string | null = null;
  const tz = () => (tzParam ??= `${p.add(args.timeZone)}::text`);
  const dims = args.groupBy.map((d) => DIMENSIONS[d]);
  const keys = dims.map((d) => d.key(tz));
  const conds = filterSql.conds(p);
  const from = dims.some((d) => d.needsPlan) ? PLAN_JOIN : filterSql.from;
  const limit = p.add(args.first);
  const rows = await db.query<Partial<ContentBreakdownRow>>(
    `SELECT ${keys.map((k, i) => `${dims[i].out(k)} AS "${dims[i].alias}"`).join(', ')},
            count(*)::int AS "contentCount", coalesce(sum(t.views), 0)::int8 AS impressions,
            avg(t.engagement_rate) AS "avgEngagementRate"
       FROM ${from}
      ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
      GROUP BY ${keys.join(', ')}
      ORDER BY "avgEngagementRate" DESC NULLS LAST, "contentCount" DESC, ${keys.map((k) => `${k} ASC NULLS LAST`).join(', ')}
      LIMIT ${limit}`,
    p.values,
  );
  return rows.map((r) => ({ format: null, platform: null, insightId: null, dayOfWeek: null, hourOfDay: null, ...r }) as ContentBreakdownRow);
}
