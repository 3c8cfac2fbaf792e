/**
 * contentBreakdown: content grouped by any set of dimensions in one GROUP BY statement, ordered by
 * avgEngagementRate desc (nulls last), then contentCount desc, then the group keys (so that equal
 * groups come back in a stable order). The ContentFilter is the one `contents` takes.
 */
import type { Db } from '../../db/db';
import { contentFilter } from '../../db/sql/content-filter';
import { Params } from '../../db/sql/params';
import { safeIntSum } from '../../db/sql/saturate';
import { contentScope } from '../published-content/published-content.service';
import type { ContentBreakdownArgs } from './analytics.inputs';
import { ContentBreakdownRow, ContentDimension } from './analytics.type';

/**
 * Whitelisted SQL per dimension: the grouping key (also the tie-break order), the output column
 * built from it, and whether the plan must be joined.
 */
interface DimensionSql {
  key: (tz: () => string) => string;
  out: (key: string) => string;
  alias: string;
  needsPlan: boolean;
}
const DIMENSIONS: Record<ContentDimension, DimensionSql> = {
  [ContentDimension.FORMAT]: { key: () => 't.format', out: (k) => `upper(${k})`, alias: 'format', needsPlan: false },
  [ContentDimension.PLATFORM]: { key: () => 't.platform', out: (k) => `upper(${k})`, alias: 'platform', needsPlan: false },
  [ContentDimension.INSIGHT]: { key: () => 'cp.insight_id', out: (k) => `${k}::text`, alias: 'insightId', needsPlan: true },
  [ContentDimension.DAY_OF_WEEK]: {
    key: (tz) => `extract(isodow FROM t.published_at AT TIME ZONE ${tz()})::int`,
    out: (k) => k,
    alias: 'dayOfWeek',
    needsPlan: false,
  },
  [ContentDimension.HOUR_OF_DAY]: {
    key: (tz) => `extract(hour FROM t.published_at AT TIME ZONE ${tz()})::int`,
    out: (k) => k,
    alias: 'hourOfDay',
    needsPlan: false,
  },
};

/** `args` validated, with the time zone's default applied. */
export async function contentBreakdown(db: Db, args: ContentBreakdownArgs & { timeZone: string }): Promise<ContentBreakdownRow[]> {
  const p = new Params();
  let tzParam: string | null = null;
  const tz = () => (tzParam ??= `${p.add(args.timeZone)}::text`);
  const dims = args.groupBy.map((d) => DIMENSIONS[d]);
  const keys = dims.map((d) => d.key(tz));
  const filter = contentFilter(contentScope(args.filter), { withPlan: dims.some((d) => d.needsPlan) });
  const conds = filter.conds(p);
  const limit = p.add(args.first);
  const rows = await db.query<Partial<ContentBreakdownRow>>(
    `SELECT ${keys.map((k, i) => `${dims[i].out(k)} AS "${dims[i].alias}"`).join(', ')},
            count(*)::int AS "contentCount", ${safeIntSum('coalesce(sum(t.views), 0)')} AS impressions,
            avg(t.engagement_rate) AS "avgEngagementRate"
       FROM ${filter.from}
      ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
      GROUP BY ${keys.join(', ')}
      ORDER BY "avgEngagementRate" DESC NULLS LAST, "contentCount" DESC, ${keys.map((k) => `${k} ASC NULLS LAST`).join(', ')}
      LIMIT ${limit}`,
    p.values,
  );
  return rows.map(
    (r) => ({ format: null, platform: null, insightId: null, dayOfWeek: null, hourOfDay: null, ...r }) as ContentBreakdownRow,
  );
}
