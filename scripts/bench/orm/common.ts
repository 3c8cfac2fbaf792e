/**
 * What the original design's agents did around their work, in TypeORM terms: an agent_logs row
 * for the run (running, then success with the wall time), like the "ours" mutations record.
 */
import type { DataSource } from 'typeorm';
import { AgentRunEntity } from '../../../src/modules/agent-run/agent-run.entity';

export async function withRunLog<T>(ds: DataSource, agentName: string, work: (runId: number) => Promise<T>): Promise<T> {
  const repo = ds.getRepository(AgentRunEntity);
  const started = performance.now();
  const run = await repo.save(repo.create({ agentName, status: 'running', startedAt: new Date() }));
  const result = await work(run.id);
  run.status = 'success';
  run.finishedAt = new Date();
  run.executionTime = performance.now() - started;
  await repo.save(run);
  return result;
}

export interface EngagementParams {
  asOf: string;
  windowDays: number;
  halfLifeDays: number | null;
}

export interface SnapshotParams {
  asOf: string;
  windowDays: number;
}

export interface AnalysisParams {
  since: string;
  until: string;
}

/** The snapshot numbers every implementation must agree on (enum values upper-case, as GraphQL). */
export interface SnapshotResult {
  contentCount: number;
  totalImpressions: number;
  avgEngagementRate: number | null;
  bestFormat: string | null;
  bestPlatform: string | null;
  byFormat: { key: string; contentCount: number; impressions: number; avgEngagementRate: number | null }[];
  byPlatform: { key: string; contentCount: number; impressions: number; avgEngagementRate: number | null }[];
  topContentIds: number[];
}

export interface AgentStatsResult {
  agentName: string;
  totalRuns: number;
  successfulRuns: number;
  failedRuns: number;
  successRate: number;
  avgExecutionTime: number | null;
  p95ExecutionTime: number | null;
  lastRunAt: string | null;
}

/** The contract's order of byFormat / byPlatform: rate desc nulls last, count desc, name asc. */
export function sortGroups<G extends { key: string; contentCount: number; avgEngagementRate: number | null }>(groups: G[]): G[] {
  return groups.sort((a, b) => {
    if (a.avgEngagementRate !== b.avgEngagementRate) {
      if (a.avgEngagementRate === null) return 1;
      if (b.avgEngagementRate === null) return -1;
      return b.avgEngagementRate - a.avgEngagementRate;
    }
    if (a.contentCount !== b.contentCount) return b.contentCount - a.contentCount;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

export const firstRated = (groups: { key: string; avgEngagementRate: number | null }[]) =>
  groups.find((g) => g.avgEngagementRate !== null)?.key ?? null;

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

export function tierOf(score: number): string {
  return score >= 200 ? 'champion' : score >= 50 ? 'advocate' : score >= 10 ? 'engaged' : 'newcomer';
}
