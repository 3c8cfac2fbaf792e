/**
 * engagementTimeSeries (docs/api.md "Reads"): content bucketed by published_at in an IANA time zone,
 * every bucket from the one holding `from` to the one holding the last instant before `to`, empty
 * ones filled by generate_series; at most 1000 buckets. One statement: the bucket count is computed
 * in it, and when it is over the limit the scan is skipped and only the count comes back.
 *
 * DAY, WEEK (ISO, Monday) and MONTH buckets are local calendar units: rows are keyed by the local
 * wall-clock truncation (so a DST day simply has 23 or 25 hours) and the series steps through local
 * dates; `AT TIME ZONE` turns each key into its first instant, the same rule date_trunc(unit, ts,
 * tz) uses. HOUR buckets are real hours, date_trunc('hour', ts, tz) (PostgreSQL keeps the instant's
 * own offset for units below a day, so the two hours of a fall-back night stay apart); their series
 * walks 15-minute steps and keeps the distinct hour starts, which also covers half-hour zones.
 */
import type { Db } from '../../db/db';
import { contentFilter } from '../../db/sql/content-filter';
import { Params } from '../../db/sql/params';
import { safeIntSum } from '../../db/sql/saturate';
import { TimeBucket } from '../../graphql/enums';
import { invalidArgs } from '../../graphql/validation';
import { contentScope } from '../published-content/published-content.service';
import type { EngagementTimeSeriesArgs } from './analytics.inputs';
import type { EngagementPoint } from './analytics.type';

export const MAX_BUCKETS = 1000;

interface UnitSql {
  lo: (from: string, tz: string) => string;
  hi: (last: string, tz: string) => string;
  count: string;
  series: (tz: string) => string;
  rowKey: (tz: string) => string;
  start: (key: string, tz: string) => string;
}

const localUnit = (unit: 'day' | 'week' | 'month', count: string): UnitSql => ({
  lo: (from, tz) => `date_trunc('${unit}', ${from} AT TIME ZONE ${tz})`,
  hi: (last, tz) => `date_trunc('${unit}', ${last} AT TIME ZONE ${tz})`,
  count,
  series: () => `SELECT g AS k FROM b, generate_series(b.lo, b.hi, interval '1 ${unit}') g WHERE b.buckets <= ${MAX_BUCKETS}`,
  rowKey: (tz) => `date_trunc('${unit}', t.published_at AT TIME ZONE ${tz})`,
  start: (key, tz) => `${key} AT TIME ZONE ${tz}`,
});

/** Whitelisted SQL per bucket: nothing user-given is spliced, only these fragments. */
const UNITS: Record<TimeBucket, UnitSql> = {
  [TimeBucket.HOUR]: {
    lo: (from, tz) => `date_trunc('hour', ${from}, ${tz})`,
    hi: (last, tz) => `date_trunc('hour', ${last}, ${tz})`,
    count: `floor(extract(epoch FROM hi - lo) / 3600)::int8 + 1`,
    series: (tz) =>
      `SELECT DISTINCT date_trunc('hour', g, ${tz}) AS k
         FROM b, generate_series(b.lo, b.hi, interval '15 minutes') g WHERE b.buckets <= ${MAX_BUCKETS}`,
    rowKey: (tz) => `date_trunc('hour', t.published_at, ${tz})`,
    start: (key) => key,
  },
  [TimeBucket.DAY]: localUnit('day', `(hi::date - lo::date)::int8 + 1`),
  [TimeBucket.WEEK]: localUnit('week', `(hi::date - lo::date)::int8 / 7 + 1`),
  [TimeBucket.MONTH]: localUnit(
    'month',
    `((extract(year FROM hi) - extract(year FROM lo)) * 12 + extract(month FROM hi) - extract(month FROM lo))::int8 + 1`,
  ),
};

/**
 * `args` validated (from < to), with the time zone's default applied. Only the bucket count needs
 * SQL: over the limit, it is refused like any bad argument, naming `to`.
 */
export async function engagementTimeSeries(db: Db, args: EngagementTimeSeriesArgs & { timeZone: string }): Promise<EngagementPoint[]> {
  const u = UNITS[args.bucket];
  const p = new Params();
  const from = `${p.add(args.from)}::timestamptz`;
  const to = `${p.add(args.to)}::timestamptz`;
  const tz = `${p.add(args.timeZone)}::text`;
  const filter = contentFilter(contentScope(args));
  const conds = [`t.published_at >= ${from}`, `t.published_at < ${to}`, ...filter.conds(p)];

  const rows = await db.query<EngagementPoint & { buckets: number }>(
    `WITH b AS MATERIALIZED (
       SELECT lo, hi, ${u.count} AS buckets
         FROM (SELECT ${u.lo(from, tz)} AS lo, ${u.hi(`(${to} - interval '1 microsecond')`, tz)} AS hi) x
     ),
     series AS (${u.series(tz)}),
     agg AS (
       SELECT ${u.rowKey(tz)} AS k, count(*)::int AS n, ${safeIntSum('coalesce(sum(t.views), 0)')} AS impressions,
              avg(t.engagement_rate) AS er
         FROM ${filter.from}
        WHERE ${conds.join(' AND ')} AND (SELECT buckets FROM b) <= ${MAX_BUCKETS}
        GROUP BY 1
     )
     SELECT b.buckets, ${u.start('s.k', tz)} AS "bucketStart", coalesce(a.n, 0) AS "contentCount",
            coalesce(a.impressions, 0) AS impressions, a.er AS "avgEngagementRate"
       FROM b LEFT JOIN (series s LEFT JOIN agg a ON a.k = s.k) ON true
      ORDER BY s.k`,
    p.values,
  );
  const buckets = rows[0]?.buckets ?? 0;
  if (buckets > MAX_BUCKETS) {
    throw invalidArgs([
      { path: 'to', problem: `from..to spans ${buckets} ${args.bucket} buckets in ${args.timeZone}; at most ${MAX_BUCKETS} are allowed` },
    ]);
  }
  return rows.map(({ buckets: _b, ...point }) => point);
}
