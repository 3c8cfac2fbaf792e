/**
 * AnalyticsAgent._analyze_agent_performance, as the original design wrote it:
 * - before: load every log in scope, aggregate in TypeScript;
 * - seedAfter: its single GROUP BY agent_name query (extended with the contract's failures, p95
 *   and last run, so that all three return the same stats).
 */
import { Between, DataSource } from 'typeorm';
import { AgentRunEntity } from '../../../src/modules/agent-run/agent-run.entity';
import { AgentStatsResult, AnalysisParams } from './common';

/** PostgreSQL's percentile_cont: linear interpolation at fraction * (n - 1) of the sorted values. */
function percentileCont(sorted: number[], fraction: number): number | null {
  if (!sorted.length) return null;
  const pos = fraction * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export async function analysisBefore(ds: DataSource, p: AnalysisParams): Promise<AgentStatsResult[]> {
  const logs = await ds.getRepository(AgentRunEntity).find({ where: { startedAt: Between(new Date(p.since), new Date(p.until)) } });
  const byAgent = new Map<string, AgentRunEntity[]>();
  for (const log of logs) (byAgent.get(log.agentName) ?? byAgent.set(log.agentName, []).get(log.agentName)!).push(log);
  return [...byAgent.keys()].sort().map((agentName) => {
    const runs = byAgent.get(agentName)!;
    const times = runs
      .map((r) => r.executionTime)
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b);
    const ok = runs.filter((r) => r.status === 'success').length;
    const last = runs.reduce((m, r) => (r.startedAt > m ? r.startedAt : m), runs[0].startedAt);
    return {
      agentName,
      totalRuns: runs.length,
      successfulRuns: ok,
      failedRuns: runs.filter((r) => r.status === 'failure').length,
      successRate: ok / runs.length,
      avgExecutionTime: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null,
      p95ExecutionTime: percentileCont(times, 0.95),
      lastRunAt: last.toISOString(),
    };
  });
}

export async function analysisSeedAfter(ds: DataSource, p: AnalysisParams): Promise<AgentStatsResult[]> {
  const rows = await ds
    .getRepository(AgentRunEntity)
    .createQueryBuilder('l')
    .select('l.agent_name', 'agentName')
    .addSelect('count(l.id)', 'total')
    .addSelect(`sum(CASE WHEN l.status = 'success' THEN 1 ELSE 0 END)`, 'ok')
    .addSelect(`sum(CASE WHEN l.status = 'failure' THEN 1 ELSE 0 END)`, 'failed')
    .addSelect('avg(l.execution_time)', 'avg')
    .addSelect('percentile_cont(0.95) WITHIN GROUP (ORDER BY l.execution_time)', 'p95')
    .addSelect('max(l.started_at)', 'last')
    .where('l.started_at BETWEEN :since AND :until', { since: new Date(p.since), until: new Date(p.until) })
    .groupBy('l.agent_name')
    .orderBy('l.agent_name COLLATE "C"')
    .getRawMany();
  return rows.map((r) => ({
    agentName: r.agentName,
    totalRuns: Number(r.total),
    successfulRuns: Number(r.ok),
    failedRuns: Number(r.failed),
    successRate: Number(r.ok) / Number(r.total),
    avgExecutionTime: r.avg === null ? null : Number(r.avg),
    p95ExecutionTime: r.p95 === null ? null : Number(r.p95),
    lastRunAt: r.last === null ? null : new Date(r.last).toISOString(),
  }));
}
