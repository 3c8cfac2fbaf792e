/**
 * Shared bits of the agent tests: the contract's formulas written again, independently, in
 * TypeScript (docs/agents.md), a relative float comparison, and small database helpers.
 */
import type { Pool } from 'pg';

export const DAY_MS = 86_400_000;

/** Environment of a test server or worker whose cron schedules are all off (only what the test queues runs). */
export const NO_SCHEDULES = {
  SCHEDULE_CONVERSION: 'off',
  SCHEDULE_SNAPSHOT: 'off',
  SCHEDULE_ANALYTICS: 'off',
  SCHEDULE_PARTITIONS: 'off',
} as const;

/** The interaction weights of docs/agents.md (ConversionAgent), keyed by stored (lower-case) type. */
export const WEIGHTS: Record<string, number> = {
  view: 1,
  like: 2,
  click: 2,
  comment: 4,
  follow: 5,
  share: 6,
  signup: 10,
  purchase: 20,
};

export const TIERS = ['NEWCOMER', 'ENGAGED', 'ADVOCATE', 'CHAMPION'];
export const FORMATS = ['VIDEO', 'SHORT_VIDEO', 'CAROUSEL', 'IMAGE', 'THREAD', 'ARTICLE', 'NEWSLETTER', 'PODCAST', 'LIVE'];
export const PLATFORMS = ['YOUTUBE', 'TIKTOK', 'INSTAGRAM', 'LINKEDIN', 'X', 'FACEBOOK', 'BLOG', 'NEWSLETTER', 'PODCAST'];

export function tierOf(score: number): string {
  if (score >= 200) return 'CHAMPION';
  if (score >= 50) return 'ADVOCATE';
  if (score >= 10) return 'ENGAGED';
  return 'NEWCOMER';
}

export interface Interaction {
  userId: number;
  type: string;
  timestamp: Date;
}

/** score(u) per docs/agents.md: weight * decay summed over the window [asOf - windowDays*24h, asOf]. */
export function expectedScores(
  userIds: number[],
  interactions: Interaction[],
  asOf: Date,
  windowDays: number,
  halfLifeDays: number | null,
): Map<number, { score: number; inWindow: number }> {
  const out = new Map(userIds.map((id) => [id, { score: 0, inWindow: 0 }]));
  const from = asOf.getTime() - windowDays * DAY_MS;
  for (const i of interactions) {
    const t = i.timestamp.getTime();
    if (t < from || t > asOf.getTime()) continue;
    const ageDays = (asOf.getTime() - t) / 1000 / 86400;
    const decay = halfLifeDays === null ? 1 : Math.pow(0.5, ageDays / halfLifeDays);
    const e = out.get(i.userId)!;
    e.score += WEIGHTS[i.type] * decay;
    e.inWindow += 1;
  }
  return out;
}

/** PostgreSQL's percentile_cont(p) over the non-null values. */
export function percentileCont(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

export const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Floats to a relative 1e-9 (docs/agents.md); exact when the expectation is 0 or null. */
export function expectClose(actual: number | null | undefined, expected: number | null, what = 'value'): void {
  if (expected === null || expected === 0) {
    expect({ what, actual }).toEqual({ what, actual: expected });
    return;
  }
  const rel = Math.abs((actual as number) - expected) / Math.abs(expected);
  if (!(rel <= 1e-9)) throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${rel})`);
}

export async function runRows(pool: Pool): Promise<
  {
    id: string;
    agent_name: string;
    status: string;
    error: string | null;
    execution_time: number | null;
    finished_at: Date | null;
    started_at: Date;
  }[]
> {
  const r = await pool.query(
    'SELECT id::text, agent_name, status, error, execution_time, finished_at, started_at FROM agent_logs ORDER BY id',
  );
  return r.rows;
}

/** Empties every table the agents read or write, so each test builds its own fixture. */
export async function resetTables(pool: Pool): Promise<void> {
  await pool.query(
    'TRUNCATE community_users, user_interactions, published_content, content_plans, insights, agent_logs, performance_snapshots, strategies RESTART IDENTITY CASCADE',
  );
}

/**
 * The invariant of the incremental ConversionAgent (docs/agents.md "Incremental ConversionAgent"),
 * once the queue is empty: every scored user's stored score and tier equal the formula evaluated,
 * independently (weights from a VALUES list), at that user's own score_updated_at over a 30-day
 * window; every user in `mustBeScored` (a SQL condition on `u`) has been scored.
 */
export async function expectIncrementalInvariant(pool: Pool, mustBeScored = 'false'): Promise<number> {
  const { rows } = await pool.query<{ id: number; score: number; tier: string; updated: Date | null; expected: number; touched: boolean }>(
    `SELECT u.id, u.engagement_score AS score, upper(u.tier) AS tier, u.score_updated_at AS updated,
          coalesce((SELECT sum(w.weight) FROM user_interactions i JOIN (VALUES ('view', 1), ('like', 2), ('click', 2), ('comment', 4),
                      ('follow', 5), ('share', 6), ('signup', 10), ('purchase', 20)) AS w(type, weight) ON w.type = i.interaction_type
                    WHERE i.user_id = u.id AND i.timestamp BETWEEN u.score_updated_at - interval '30 days' AND u.score_updated_at), 0)::float8 AS expected,
          (${mustBeScored}) AS touched
     FROM community_users u ORDER BY u.id`,
  );
  for (const r of rows) {
    if (r.touched) expect({ id: r.id, scored: r.updated !== null }).toEqual({ id: r.id, scored: true });
    if (r.updated === null) continue;
    expectClose(r.score, r.expected, `user ${r.id} score`);
    expect({ id: r.id, tier: r.tier }).toEqual({ id: r.id, tier: tierOf(r.expected) });
  }
  return rows.length;
}
