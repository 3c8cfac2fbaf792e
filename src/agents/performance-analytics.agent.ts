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
 * One INSERT ... SELECT (a data-modifying CTE): the totals, the formats and the platforms are one
 * GROUPING SETS aggregate over one scan of the scope; the top 100 is a second read of the scope
 * (`scope` is inlined, NOT MATERIALIZED), from the partial index idx_published_content_engagement_top
 * when the scope is wide (migrations/1796800000000-SnapshotTopIndex.ts). The format is the plan's, carried on published_content
 * (kept equal by triggers, migrations/1796300000000-ContentFormat.ts): no join with content_plans.
 * created_at is clock_timestamp(), taken under the agent's lock, so the snapshots' createdAt order
 * is the order in which they were made. The same statement notifies performanceSnapshotCreated with
 * the new id (src/db/notify.ts), delivered when the run commits.
 */
/**
 * The statement's parts, exported so that scripts/bench/snapshot-format.ts times the agent's own
 * CTEs beside its alternatives: `scope` (the in-scope rows), `figures` (the GROUPING SETS over the
 * scope), `lists` (by_format and by_platform from `figures`) and `top` (the top 100 ids).
 */
export const SNAPSHOT_CTES = {
  scope: `scope AS NOT MATERIALIZED (
  SELECT pc.id, pc.platform, pc.format, pc.views, pc.engagement_rate
  FROM published_content pc
  WHERE pc.published_at >= $1::timestamptz - $2::int * interval '24 hours' AND pc.published_at <= $1::timestamptz
    AND ($3::text IS NULL OR pc.platform = $3::text)
)`,
  figures: `figures AS (
  SELECT GROUPING(format) AS no_format, GROUPING(platform) AS no_platform, upper(format) AS format, upper(platform) AS platform,
         count(*)::int AS content_count, ${safeIntSum('coalesce(sum(views), 0)')} AS impressions, avg(engagement_rate) AS rate
  FROM scope
  GROUP BY GROUPING SETS ((), (format), (platform))
)`,
  lists: `by_format AS (
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
)`,
  top: `top AS (
  SELECT coalesce(array_agg(id ORDER BY engagement_rate DESC, id), '{}') AS ids
  FROM (SELECT id, engagement_rate FROM scope WHERE engagement_rate IS NOT NULL ORDER BY engagement_rate DESC, id LIMIT 100) best
)`,
};

const SNAPSHOT_SQL = `
WITH ${SNAPSHOT_CTES.scope}, ${SNAPSHOT_CTES.figures}, ${SNAPSHOT_CTES.lists}, ${SNAPSHOT_CTES.top}, inserted AS (
  INSERT INTO performance_snapshots AS t
    (created_at, as_of, window_days, platform, content_count, total_impressions, avg_engagement_rate,
     best_format, best_platform, by_format, by_platform, top_content_ids, run_id)
  SELECT clock_timestamp(), $1::timestamptz, $2::int, $3::text, total.content_count, total.impressions, total.rate,
         lower(f.best), lower(p.best), f.list, p.list, top.ids, $4::int8
  FROM figures total, by_format f, by_platform p, top
  WHERE total.no_format = 1 AND total.no_platform = 1
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
  const row = await tx.one<PerformanceSnapshot>(SNAPSHOT_SQL, [p.asOf, p.windowDays, p.platform, runId]);
  return row!;
}
