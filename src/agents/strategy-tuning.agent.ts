import type { Db } from '../db/db';
import { FailedPreconditionError } from '../errors';
import { ContentFormat, Platform } from '../graphql/enums';
import { StrategyRow, STRATEGY_COLUMNS } from '../modules/strategy/strategy.type';

/**
 * StrategyTuningAgent (docs/agents.md): version N+1 of the format and platform weights, moved towards
 * the newest snapshot over every platform (platform IS NULL) by `learningRate`.
 *
 * previous_f = the current strategy's (highest version) weight, or 1/9 with no strategy yet;
 * r_f = the snapshot's avgEngagementRate for f from byFormat (0 when absent or null);
 * target_f = r_f / sum(r), or previous_f when sum(r) = 0;
 * weight_f = (1 - learningRate) * previous_f + learningRate * target_f. Platforms alike from
 * byPlatform. Every enum value gets a weight (the names come in as parameters, in declared
 * order), so both sets sum to 1.
 *
 * One INSERT ... SELECT; with no snapshot it inserts nothing and the run fails with
 * FAILED_PRECONDITION (run-agent rolls back and records the failure).
 */
const TUNE_SQL = `
WITH snap AS (
  SELECT s.id, s.by_format, s.by_platform FROM performance_snapshots s
  WHERE s.platform IS NULL ORDER BY s.created_at DESC, s.id DESC LIMIT 1
), prev AS (
  SELECT version, format_weights, platform_weights FROM strategies ORDER BY version DESC LIMIT 1
), inputs AS (
  SELECT 'format' AS kind, e.name,
         coalesce((SELECT (prev.format_weights ->> e.name)::float8 FROM prev), 1::float8 / 9) AS previous,
         coalesce((SELECT (x ->> 'avgEngagementRate')::float8 FROM snap, jsonb_array_elements(snap.by_format) x
                   WHERE x ->> 'format' = e.name), 0) AS r
  FROM unnest($2::text[]) AS e(name)
  UNION ALL
  SELECT 'platform', e.name,
         coalesce((SELECT (prev.platform_weights ->> e.name)::float8 FROM prev), 1::float8 / 9),
         coalesce((SELECT (x ->> 'avgEngagementRate')::float8 FROM snap, jsonb_array_elements(snap.by_platform) x
                   WHERE x ->> 'platform' = e.name), 0)
  FROM unnest($3::text[]) AS e(name)
), weights AS (
  SELECT kind, jsonb_object_agg(name, (1 - $1::float8) * previous + $1::float8 * CASE WHEN total = 0 THEN previous ELSE r / total END) AS weights
  FROM (SELECT i.*, sum(r) OVER (PARTITION BY kind) AS total FROM inputs i) i
  GROUP BY kind
)
INSERT INTO strategies AS t (version, created_at, learning_rate, format_weights, platform_weights, snapshot_id, run_id)
SELECT coalesce((SELECT version FROM prev), 0) + 1, clock_timestamp(), $1::float8, f.weights, p.weights, snap.id, $4::int8
FROM snap, weights f, weights p
WHERE f.kind = 'format' AND p.kind = 'platform'
RETURNING ${STRATEGY_COLUMNS}`;

export async function strategyTuningAgent(tx: Db, p: { learningRate: number }, runId: number): Promise<StrategyRow> {
  const row = await tx.one<StrategyRow>(TUNE_SQL, [p.learningRate, Object.values(ContentFormat), Object.values(Platform), runId]);
  if (!row) {
    throw new FailedPreconditionError(
      'tuneStrategy needs a performance snapshot over every platform: run createPerformanceSnapshot without a platform first',
    );
  }
  return row;
}
