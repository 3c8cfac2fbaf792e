import type { Db } from '../db/db';
import { CHANNELS, notifyJoin } from '../db/notify';
import { safeIntSum } from '../db/sql/saturate';
import { PerformanceSnapshot, PERFORMANCE_SNAPSHOT_COLUMNS } from '../modules/performance-snapshot/performance-snapshot.type';

/**
 * PerformanceAnalyticsAgent (docs/agents.md): a stored, never-changing snapshot of the published
 * content with `asOf - windowDays*24h <= published_at <= asOf` (and `platform` when given).
 *
 * contentCount = rows in scope; totalImpressions = sum of views with null as 0, saturated at
 * 2^53 - 1 (SafeInt) like every impressions figure, so the stored snapshot always reads back;
 * avgEngagementRate = mean of the non-null rates (null when none). byFormat (the plan's format)
 * and byPlatform: one entry per value present, with the same three figures, ordered by
 * avgEngagementRate desc nulls last, contentCount desc, then the GraphQL enum name in code-point
 * order (`upper(..) COLLATE "C"`: ARTICLE < CAROUSEL < ..., not the database locale's order).
 * bestFormat / bestPlatform = the first entry whose rate is not null. top_content_ids = up to 100
 * in-scope ids with a non-null rate, by rate desc then id asc.
 *
 * Two statements in the run's transaction. The first computes every figure with a SELECT, which
 * PostgreSQL may run in parallel (a statement that writes, such as INSERT ... SELECT, never runs
 * in parallel): the content is grouped once by (format, platform), a parallel aggregate over one
 * scan of the scope into at most 81 cells, which a GROUPING SETS over the cells rolls up into the
 * totals, the formats and the platforms (a GROUPING SETS over the rows themselves cannot be
 * parallel); the mean rate is the cells' sum of rates over their count of rates (the same mean,
 * summed in another order). The top 100 is a (parallel) top-N sort over a second scan (`scope` is
 * inlined, NOT MATERIALIZED). The figures come back as text, so the second statement stores them
 * bit for bit (float8 text is exact). JIT is off for the run: at 1M rows compiling the
 * expressions took longer than it saved (BENCHMARKS.md). The format is the plan's, carried on
 * published_content (kept equal by triggers, migrations/1796300000000-ContentFormat.ts): no join
 * with content_plans. created_at is clock_timestamp(), taken under the agent's lock, so the
 * snapshots' createdAt order is the order in which they were made. The INSERT notifies
 * performanceSnapshotCreated with the new id (src/db/notify.ts), delivered when the run commits.
 */
export const FIGURES_SQL = `
WITH scope AS NOT MATERIALIZED (
  SELECT pc.id, pc.platform, pc.format, pc.views, pc.engagement_rate
  FROM published_content pc
  WHERE pc.published_at >= $1::timestamptz - $2::int * interval '24 hours' AND pc.published_at <= $1::timestamptz
    AND ($3::text IS NULL OR pc.platform = $3::text)
), cells AS (
  SELECT format, platform, count(*) AS n, sum(views) AS views, sum(engagement_rate) AS rate_sum, count(engagement_rate) AS rate_n
  FROM scope
  GROUP BY format, platform
), figures AS (
  SELECT GROUPING(format) AS no_format, GROUPING(platform) AS no_platform, upper(format) AS format, upper(platform) AS platform,
         coalesce(sum(n), 0)::int AS content_count, ${safeIntSum('coalesce(sum(views), 0)')} AS impressions,
         sum(rate_sum) / nullif(sum(rate_n), 0)::float8 AS rate
  FROM cells
  GROUP BY GROUPING SETS ((), (format), (platform))
), by_format AS (
  SELECT coalesce(jsonb_agg(jsonb_build_object('format', format, 'contentCount', content_count, 'impressions', impressions,
                                               'avgEngagementRate', rate)
                            ORDER BY rate DESC NULLS LAST, content_count DESC, format COLLATE "C"), '[]') AS list,
         (array_agg(format ORDER BY rate DESC, content_count DESC, format COLLATE "C") FILTER (WHERE rate IS NOT NULL))[1] AS best
  FROM figures WHERE no_format = 0
), by_platform AS (
  SELECT coalesce(jsonb_agg(jsonb_build_object('platform', platform, 'contentCount', content_count, 'impressions', impressions,
                                               'avgEngagementRate', rate)
                            ORDER BY rate DESC NULLS LAST, content_count DESC, platform COLLATE "C"), '[]') AS list,
         (array_agg(platform ORDER BY rate DESC, content_count DESC, platform COLLATE "C") FILTER (WHERE rate IS NOT NULL))[1] AS best
  FROM figures WHERE no_platform = 0
), top AS (
  SELECT coalesce(array_agg(id ORDER BY engagement_rate DESC, id), '{}') AS ids
  FROM (SELECT id, engagement_rate FROM scope WHERE engagement_rate IS NOT NULL ORDER BY engagement_rate DESC, id LIMIT 100) best
)
SELECT total.content_count::text AS count, total.impressions::text AS impressions, total.rate::text AS rate,
       lower(f.best) AS "bestFormat", lower(p.best) AS "bestPlatform", f.list::text AS "byFormat", p.list::text AS "byPlatform",
       top.ids::text AS "topIds"
FROM figures total, by_format f, by_platform p, top
WHERE total.no_format = 1 AND total.no_platform = 1`;

/** FIGURES_SQL's row, every value as PostgreSQL's text. */
interface Figures {
  count: string;
  impressions: string;
  rate: string | null;
  bestFormat: string | null;
  bestPlatform: string | null;
  byFormat: string;
  byPlatform: string;
  topIds: string;
}

const INSERT_SQL = `
WITH inserted AS (
  INSERT INTO performance_snapshots AS t
    (created_at, as_of, window_days, platform, content_count, total_impressions, avg_engagement_rate,
     best_format, best_platform, by_format, by_platform, top_content_ids, run_id)
  VALUES (clock_timestamp(), $1::timestamptz, $2::int, $3::text, $4::int, $5::int8, $6::float8,
          $7::text, $8::text, $9::jsonb, $10::jsonb, $11::int4[], $12::int8)
  RETURNING ${PERFORMANCE_SNAPSHOT_COLUMNS}
)
SELECT s.* FROM inserted s ${notifyJoin(CHANNELS.snapshot, 's.id')}`;

export interface SnapshotParams {
  asOf: Date;
  windowDays: number;
  /** Stored (lower-case) platform text, or null for every platform. */
  platform: string | null;
}

export async function performanceAnalyticsAgent(tx: Db, p: SnapshotParams, runId: number): Promise<PerformanceSnapshot> {
  await tx.query('SET LOCAL jit = off');
  const f = (await tx.one<Figures>(FIGURES_SQL, [p.asOf, p.windowDays, p.platform]))!;
  const row = await tx.one<PerformanceSnapshot>(INSERT_SQL, [
    p.asOf,
    p.windowDays,
    p.platform,
    f.count,
    f.impressions,
    f.rate,
    f.bestFormat,
    f.bestPlatform,
    f.byFormat,
    f.byPlatform,
    f.topIds,
    runId,
  ]);
  return row!;
}
