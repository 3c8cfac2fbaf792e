import type { Db } from '../db/db';
import { CHANNELS, notifyJoin } from '../db/notify';
import { PENDING_LOCK } from '../db/sql/conversion-trigger';
import { TierCount, TIER_COUNTS_SQL, TIER_RANKS } from '../modules/community-user/tier-distribution';

/**
 * ConversionAgent (docs/agents.md): every community user's engagement score and tier, from the
 * interactions in the window `asOf - windowDays*24h <= timestamp <= asOf`.
 *
 * score(u) = sum of weight(type) * decay over u's interactions in the window, 0 with none, where
 * weight = VIEW 1, LIKE 2, CLICK 2, COMMENT 4, FOLLOW 5, SHARE 6, SIGNUP 10, PURCHASE 20 and
 * decay = 1, or with a half-life 0.5 ^ (ageDays / halfLifeDays), ageDays = (asOf - timestamp) / 86400 s.
 * tier = CHAMPION from 200, ADVOCATE from 50, ENGAGED from 10, else NEWCOMER.
 *
 * Statement 1 is one UPDATE ... FROM (aggregate): `scored` aggregates the window per user,
 * `target` left-joins every user to it (no row: 0), gives the new tier and keeps only users whose
 * score or tier changes (IS DISTINCT FROM; rechecked on the row being updated), so an unchanged
 * user's row and its index entries are not rewritten; written rows get score_updated_at = asOf. The wrapping SELECT
 * counts promotions and demotions from the old and new tier ranks that RETURNING hands back (the
 * old tier comes from the statement's snapshot; runs of this agent are serialised by run-agent's
 * lock). usersScored counts `scored`, which also holds users whose score did not change.
 *
 * Plan (EXPLAIN ANALYZE, 100k users / 5M interactions over 180 days, 30-day window):
 * - The window is a range on `timestamp` for every user at once. The contract index
 *   idx_user_interaction_user_timestamp (user_id, timestamp) can only serve it per user (100k
 *   index descents plus a heap fetch per row for interaction_type: 2.2 s) or by reading all of
 *   it; a sequential scan reads all 5M rows (0.44 s CPU). idx_user_interactions_timestamp_user_type
 *   (timestamp, user_id, interaction_type) makes it one index-only range scan of the window's
 *   833k entries (0.08 s), whatever the length of the history (migrations/*-AgentIndexes.ts).
 * - `ORDER BY n.id` feeds the UPDATE its rows in id order, which for this table is the heap's
 *   and the id/created_at indexes' order: 100k row updates took 2.4 s CPU instead of 4.1 s in the
 *   hash order of the aggregate. Every changed row costs a new heap tuple and an entry in each of
 *   the table's six indexes (score and tier are indexed, so no HOT update): that is the cost of a
 *   first run (2.0 s CPU); a rerun over unchanged data writes nothing (0.65 s, mostly the hash
 *   aggregate of the window's 833k rows into 100k groups).
 *
 * When a user's tier changed, statement 1 also notifies tierDistributionChanged (src/db/notify.ts):
 * sent with the run's COMMIT, dropped with its rollback.
 *
 * Statement 2 counts every tier after the update (all four, in rank order) and so totalUsers.
 *
 * $5, the users: null for every user (the full run, whose plan PostgreSQL builds with the null
 * folded away); an array for an incremental run (docs/agents.md "Automatic agents"), which scores
 * only those users, as an index-only scan of idx_user_interactions_user_timestamp_type (user_id,
 * timestamp, interaction_type), one short range per user (without it: the whole window of the
 * timestamp index filtered, 0.73 s for 2,475 users at load 14; the contract index on (user_id,
 * timestamp) needs a heap fetch per interaction for its type, 1.0 to 2.6 s), and writes each of them
 * (score_updated_at = asOf even when the score did not change: their new interactions are
 * accounted for as of asOf, which is what scoreUpdatedAt tells a client).
 *
 * The UPDATE repeats `c.id = ANY($5)` (a run's users, nothing more): without it PostgreSQL found
 * the rows to update by reading all of community_users into a hash join (21 ms for 100k users
 * whatever the run's size, and more as updates bloat the table); with it, by the primary key
 * (3,000 users: 305 -> 230 ms per run, docs/agents.md "Automatic agents").
 *
 * Not a statement of its own that joins `unnest($5)` LATERALly to each user's index-only range
 * (tried, BENCHMARKS.md "Automatic agents: freshness", branch `fresh`): its plan has one shape, but
 * while ingest runs the current month's partition is not all-visible, and that form checks the heap
 * for every recent interaction of every user, where this one's bitmap heap scan of that partition
 * reads each heap page once. In the freshness benchmark at 10,000/s its runs took 0.29 to 0.39 ms
 * per user, against 0.27 to 0.29 ms for this statement in the same locked slots.
 */
export const RECOMPUTE_SQL = `
WITH scored AS (
  SELECT i.user_id,
         sum(CASE i.interaction_type
               WHEN 'view' THEN 1 WHEN 'like' THEN 2 WHEN 'click' THEN 2 WHEN 'comment' THEN 4
               WHEN 'follow' THEN 5 WHEN 'share' THEN 6 WHEN 'signup' THEN 10 WHEN 'purchase' THEN 20 END
             * CASE WHEN $3::float8 IS NULL THEN 1::float8
                    -- 0.5 ^ x underflows double precision past x = 1074 (an error in PostgreSQL): that weight is 0
                    WHEN date_part('epoch', $1::timestamptz - i.timestamp) / 86400 > 1074 * $3::float8 THEN 0::float8
                    ELSE power(0.5::float8, date_part('epoch', $1::timestamptz - i.timestamp) / 86400 / $3::float8) END
         ) AS score
  FROM user_interactions i
  WHERE i.timestamp >= $2::timestamptz AND i.timestamp <= $1::timestamptz
    AND ($5::int4[] IS NULL OR i.user_id = ANY($5::int4[]))
  GROUP BY i.user_id
), target AS (
  SELECT n.id, n.old_tier, n.score, n.tier
  FROM (SELECT u.id, u.tier AS old_tier, u.engagement_score AS old_score, coalesce(s.score, 0::float8) AS score,
               CASE WHEN coalesce(s.score, 0) >= 200 THEN 'champion' WHEN coalesce(s.score, 0) >= 50 THEN 'advocate'
                    WHEN coalesce(s.score, 0) >= 10 THEN 'engaged' ELSE 'newcomer' END AS tier
        FROM community_users u LEFT JOIN scored s ON s.user_id = u.id
        WHERE $5::int4[] IS NULL OR u.id = ANY($5::int4[])) n
  WHERE n.score IS DISTINCT FROM n.old_score OR n.tier IS DISTINCT FROM n.old_tier OR $5::int4[] IS NOT NULL
  ORDER BY n.id
), changed AS (
  UPDATE community_users c
  SET engagement_score = t.score, tier = t.tier, score_updated_at = $1::timestamptz
  FROM target t
  WHERE c.id = t.id AND ($5::int4[] IS NULL OR c.id = ANY($5::int4[])) AND (c.engagement_score IS DISTINCT FROM t.score OR c.tier IS DISTINCT FROM t.tier OR $5::int4[] IS NOT NULL)
  RETURNING array_position($4::text[], t.old_tier::text) AS old_rank, array_position($4::text[], t.tier) AS new_rank
), counts AS (
  SELECT (SELECT count(*) FROM scored)::int AS "usersScored",
         count(*) FILTER (WHERE new_rank > old_rank)::int AS promoted,
         count(*) FILTER (WHERE new_rank < old_rank)::int AS demoted,
         count(*) FILTER (WHERE new_rank IS DISTINCT FROM old_rank) AS moved
  FROM changed
)
SELECT c."usersScored", c.promoted, c.demoted FROM counts c ${notifyJoin(CHANNELS.tiers, "''", 'c.moved > 0')}`;

/**
 * $2 of RECOMPUTE_SQL, the window's start: `asOf - windowDays * 24 h`, computed here rather than in
 * the statement. In SQL, timestamptz - interval is only STABLE, so PostgreSQL left every month
 * partition in the plan and pruned them when the statement started: it planned `user_id = ANY($5)`
 * for each (an incremental run's 5,000 users cost 20 ms of planning, 10 ms with a constant bound;
 * docs/agents.md "Automatic agents").
 */
export const windowStart = (asOf: Date, windowDays: number): Date => new Date(asOf.getTime() - windowDays * 86_400_000);

export interface ConversionParams {
  asOf: Date;
  windowDays: number;
  halfLifeDays: number | null;
}

export interface ConversionResult extends ConversionParams {
  usersScored: number;
  totalUsers: number;
  promoted: number;
  demoted: number;
  tiers: TierCount[];
}

export async function conversionAgent(tx: Db, p: ConversionParams): Promise<ConversionResult> {
  const counts = await tx.one<{ usersScored: number; promoted: number; demoted: number }>(RECOMPUTE_SQL, [
    p.asOf,
    windowStart(p.asOf, p.windowDays),
    p.halfLifeDays,
    TIER_RANKS,
    null,
  ]);
  const tiers = await tx.query<TierCount>(TIER_COUNTS_SQL, [TIER_RANKS]);
  return { ...p, ...counts!, totalUsers: tiers.reduce((n, t) => n + t.users, 0), tiers };
}

/** How incremental runs score: the full run's defaults (docs/agents.md "ConversionAgent"). */
export const INCREMENTAL_WINDOW_DAYS = 30;

export interface IncrementalResult {
  mode: 'incremental';
  asOf: Date;
  windowDays: number;
  halfLifeDays: null;
  /** Users taken from conversion_pending (distinct). */
  users: number;
  usersScored: number;
  promoted: number;
  demoted: number;
}

/**
 * How an incremental run's statement is planned (this transaction only): for data in memory,
 * random_page_cost 1.1 rather than PostgreSQL's default 4. After a backlog (a full run, a slower
 * machine at 10,000 interactions/s) a run takes 15-35k users (15-35% of the freshness benchmark's
 * 100k), and at the default the planner then
 * reads the window's month partitions and community_users sequentially where one index-only range
 * per user costs a third less (492 -> 334 ms for 15,649 users, warm; BENCHMARKS.md "Automatic
 * agents: freshness"): the ranges a run reads are those its users' ingests just wrote.
 */
export const INCREMENTAL_PLANNER = `SELECT set_config('random_page_cost', '1.1', true)`;

/** The claim: every pending user, taken (rows of either shape, `user_ids` or the previous release's `user_id`). */
const CLAIM_SQL = `WITH taken AS (DELETE FROM conversion_pending RETURNING user_id, user_ids)
     SELECT coalesce(array_agg(DISTINCT u.id), '{}') AS ids,
            date_trunc('milliseconds', statement_timestamp() + interval '999 microseconds') AS "asOf"
     FROM taken, unnest(coalesce(taken.user_ids, ARRAY[taken.user_id])) AS u(id)`;

/**
 * Runs `fn` holding PENDING_LOCK exclusively (a session lock on `conn`'s connection, released after
 * `fn`; a failure closes the connection, which releases it): it waits for the ingests that hold it
 * shared to commit, and holds off the next ones, so that their pending users are in what `fn`
 * reads, or their trigger sees this job running and adds the next (src/db/sql/conversion-trigger.ts).
 */
export async function withPendingLocked<T>(conn: Db, fn: () => Promise<T>): Promise<T> {
  await conn.query('SELECT pg_advisory_lock($1, $2)', [...PENDING_LOCK]);
  const result = await fn();
  await conn.query('SELECT pg_advisory_unlock($1, $2)', [...PENDING_LOCK]);
  return result;
}

/**
 * The incremental ConversionAgent: takes every pending user (DELETE ... RETURNING, in the run's
 * transaction: a run that fails or dies gives them back), under PENDING_LOCK (withPendingLocked),
 * and scores exactly those with RECOMPUTE_SQL restricted to them. asOf is the claim's statement time, rounded up to
 * the millisecond: every interaction whose ingest committed before the claim (its default timestamp
 * is its transaction's start) lies at or before it.
 */
export async function conversionAgentIncremental(tx: Db): Promise<IncrementalResult> {
  const claim = await withPendingLocked(tx, () => tx.one<{ ids: number[]; asOf: Date }>(CLAIM_SQL));
  const ids = claim!.ids;
  const base = {
    mode: 'incremental' as const,
    asOf: claim!.asOf,
    windowDays: INCREMENTAL_WINDOW_DAYS,
    halfLifeDays: null,
    users: ids.length,
  };
  if (!ids.length) return { ...base, usersScored: 0, promoted: 0, demoted: 0 }; // another run took them first
  await tx.query(INCREMENTAL_PLANNER);
  const counts = await tx.one<{ usersScored: number; promoted: number; demoted: number }>(RECOMPUTE_SQL, [
    claim!.asOf,
    windowStart(claim!.asOf, INCREMENTAL_WINDOW_DAYS),
    null,
    TIER_RANKS,
    ids,
  ]);
  return { ...base, ...counts! };
}
