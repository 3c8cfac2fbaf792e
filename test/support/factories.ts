/**
 * Small factories that write rows straight into a test database (the API is not under test
 * when a test only needs data). Each returns what it wrote, so expectations are computed from it.
 */
import type { Pool } from 'pg';
import { TABLES } from '../../src/db/tables';

let seq = 0;
const next = () => ++seq;

export interface InsightRow {
  id: number;
  topic: string;
  score: number;
  createdAt: Date;
}
export interface PlanRow {
  id: number;
  insightId: number | null;
  title: string;
  format: string;
  platform: string;
  status: string;
  createdAt: Date;
}
export interface ContentRow {
  id: number;
  contentPlanId: number;
  platform: string;
  publishedAt: Date;
  views: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  engagementRate: number | null;
}
export interface UserRow {
  id: number;
  handle: string;
  platform: string;
  tier: string;
  engagementScore: number;
  createdAt: Date;
}
export interface InteractionRow {
  id: number;
  userId: number;
  contentId: number | null;
  type: string;
  timestamp: Date;
}
export interface RunRow {
  id: number;
  agentName: string;
  status: string;
  startedAt: Date;
  executionTime: number | null;
}

export function factories(pool: Pool) {
  return {
    async insight(
      o: Partial<{ topic: string; score: number; createdAt: Date; summary: string | null; source: string | null }> = {},
    ): Promise<InsightRow> {
      const r = await pool.query(
        `INSERT INTO insights (topic, summary, source, score, created_at) VALUES ($1, $2, $3, $4, coalesce($5, now()))
         RETURNING id, topic, score, created_at`,
        [o.topic ?? `topic ${next()}`, o.summary ?? null, o.source ?? null, o.score ?? 0.5, o.createdAt ?? null],
      );
      const row = r.rows[0];
      return { id: row.id, topic: row.topic, score: row.score, createdAt: row.created_at };
    },
    async plan(
      o: Partial<{ insightId: number | null; title: string; format: string; platform: string; status: string; createdAt: Date }> = {},
    ): Promise<PlanRow> {
      const r = await pool.query(
        `INSERT INTO content_plans (insight_id, title, format, platform, status, created_at)
         VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
         RETURNING id, insight_id AS "insightId", title, format, platform, status, created_at AS "createdAt"`,
        [
          o.insightId ?? null,
          o.title ?? `plan ${next()}`,
          o.format ?? 'video',
          o.platform ?? 'youtube',
          o.status ?? 'draft',
          o.createdAt ?? null,
        ],
      );
      return r.rows[0];
    },
    async content(o: Partial<Omit<ContentRow, 'id'>> & { contentPlanId: number }): Promise<ContentRow> {
      const v = {
        platform: 'youtube',
        publishedAt: new Date(),
        views: null,
        likes: null,
        comments: null,
        shares: null,
        engagementRate: null,
        ...o,
      };
      const r = await pool.query(
        `INSERT INTO published_content (content_plan_id, platform, published_at, views, likes, comments, shares, engagement_rate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [v.contentPlanId, v.platform, v.publishedAt, v.views, v.likes, v.comments, v.shares, v.engagementRate],
      );
      return { id: r.rows[0].id, ...v };
    },
    async user(
      o: Partial<{ handle: string; platform: string; tier: string; engagementScore: number; createdAt: Date }> = {},
    ): Promise<UserRow> {
      const v = { handle: `user${next()}`, platform: 'youtube', tier: 'newcomer', engagementScore: 0, ...o };
      const r = await pool.query(
        `INSERT INTO community_users (handle, platform, tier, engagement_score, created_at) VALUES ($1, $2, $3, $4, coalesce($5, now()))
         RETURNING id, created_at`,
        [v.handle, v.platform, v.tier, v.engagementScore, o.createdAt ?? null],
      );
      return { id: r.rows[0].id, ...v, createdAt: r.rows[0].created_at };
    },
    async interaction(o: { userId: number; contentId?: number | null; type?: string; timestamp?: Date }): Promise<InteractionRow> {
      const v = { contentId: null, type: 'view', timestamp: new Date(), ...o };
      const r = await pool.query(
        `INSERT INTO user_interactions (user_id, content_id, interaction_type, timestamp) VALUES ($1, $2, $3, $4) RETURNING id`,
        [v.userId, v.contentId, v.type, v.timestamp],
      );
      return { id: Number(r.rows[0].id), ...v } as InteractionRow;
    },
    async run(
      o: Partial<{
        agentName: string;
        status: string;
        startedAt: Date;
        finishedAt: Date | null;
        executionTime: number | null;
        error: string | null;
      }> = {},
    ): Promise<RunRow> {
      const v = { agentName: 'ConversionAgent', status: 'success', startedAt: new Date(), executionTime: 10, ...o };
      const r = await pool.query(
        `INSERT INTO agent_logs (agent_name, status, started_at, finished_at, execution_time, error) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [v.agentName, v.status, v.startedAt, o.finishedAt ?? null, v.executionTime, o.error ?? null],
      );
      return { id: Number(r.rows[0].id), ...v };
    },
    async count(table: string): Promise<number> {
      const r = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
      return r.rows[0].n;
    },
  };
}

/** Row counts of every table, to prove that a refused request wrote nothing. */
export async function rowCounts(pool: Pool): Promise<Record<string, number>> {
  const r = await pool.query(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  return r.rows[0];
}
