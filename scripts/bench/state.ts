/** The benchmark's own view of a dataset: resets between runs and the values the checks compare. */
import type { Pool } from 'pg';

/** Every user back to the seeded state (score 0, newcomer), then a VACUUM so no run pays for another's dead rows. */
export async function resetScores(pool: Pool) {
  await pool.query(
    `UPDATE community_users SET engagement_score = 0, tier = 'newcomer', score_updated_at = NULL
     WHERE engagement_score <> 0 OR tier <> 'newcomer' OR score_updated_at IS NOT NULL`,
  );
  await pool.query('VACUUM ANALYZE community_users');
}

/** Drops what runs added (snapshots, strategies, run logs) so every run sees the seeded rows only. */
export async function removeRunRows(pool: Pool, seededLogs: number) {
  await pool.query('DELETE FROM strategies');
  await pool.query('DELETE FROM performance_snapshots');
  await pool.query('DELETE FROM agent_logs WHERE id > $1', [seededLogs]);
}

export interface ScoreState {
  ids: Int32Array;
  scores: Float64Array;
  tiers: string[];
  updatedAt: (number | null)[];
}

export async function readScores(pool: Pool): Promise<ScoreState> {
  const { rows } = await pool.query<{ id: number; s: number; tier: string; u: Date | null }>(
    'SELECT id, engagement_score AS s, tier, score_updated_at AS u FROM community_users ORDER BY id',
  );
  return {
    ids: Int32Array.from(rows.map((r) => r.id)),
    scores: Float64Array.from(rows.map((r) => r.s)),
    tiers: rows.map((r) => r.tier),
    updatedAt: rows.map((r) => (r.u ? r.u.getTime() : null)),
  };
}

export const toJson = (s: ScoreState) => ({ ids: [...s.ids], scores: [...s.scores], tiers: s.tiers, updatedAt: s.updatedAt });
export const fromJson = (j: ReturnType<typeof toJson>): ScoreState => ({
  ids: Int32Array.from(j.ids),
  scores: Float64Array.from(j.scores),
  tiers: j.tiers,
  updatedAt: j.updatedAt,
});

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/** null when equal; else a short description of the first differences. */
export function diffScores(ref: ScoreState, got: ScoreState): string | null {
  if (ref.ids.length !== got.ids.length) return `user count ${got.ids.length} vs ${ref.ids.length}`;
  const bad: string[] = [];
  for (let i = 0; i < ref.ids.length && bad.length < 3; i++) {
    if (!close(ref.scores[i], got.scores[i]) || ref.tiers[i] !== got.tiers[i] || ref.updatedAt[i] !== got.updatedAt[i]) {
      bad.push(
        `user ${ref.ids[i]}: ${got.scores[i]}/${got.tiers[i]}/${got.updatedAt[i]} vs ${ref.scores[i]}/${ref.tiers[i]}/${ref.updatedAt[i]}`,
      );
    }
  }
  return bad.length ? bad.join('; ') : null;
}

/** Deep comparison with floats to a relative 1e-9; null when equal. */
export function diffValues(ref: unknown, got: unknown, path = ''): string | null {
  if (typeof ref === 'number' && typeof got === 'number') return close(ref, got) ? null : `${path}: ${got} vs ${ref}`;
  if (Array.isArray(ref) && Array.isArray(got)) {
    if (ref.length !== got.length) return `${path}: length ${got.length} vs ${ref.length}`;
    for (let i = 0; i < ref.length; i++) {
      const d = diffValues(ref[i], got[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (ref && got && typeof ref === 'object' && typeof got === 'object') {
    for (const k of new Set([...Object.keys(ref), ...Object.keys(got)])) {
      const d = diffValues((ref as any)[k], (got as any)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return ref === got ? null : `${path}: ${JSON.stringify(got)} vs ${JSON.stringify(ref)}`;
}
