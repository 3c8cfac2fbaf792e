import type { Db } from '../db/db';
import { Params } from '../graphql/sql-params';
import type { AgentStats } from './agent-stats.type';

/**
 * AnalyticsAgent (agents.md), also the `agentPerformance` query: per agent name, the runs whose
 * started_at is within [since, until] (each bound optional, inclusive): totalRuns (any status),
 * successfulRuns, failedRuns, successRate = successful / total, avgExecutionTime and the continuous
 * 95th percentile (percentile_cont(0.95)) of the non-null execution times, lastRunAt = latest
 * started_at; agents in code-point order of their names (COLLATE "C": independent of the locale).
 * `excludeRunId` leaves out the analysing run's own row (still `running` while it counts).
 *
 * One GROUP BY over agent_logs: a sequential scan when the range covers most logs (the usual
 * case; on 1M logs an index would only add random reads), idx_agent_logs_started_at_id when a
 * narrow [since, until] makes the range cheaper than the table. The percentile sorts each
 * agent's times in memory (work_mem).
 */
export function agentStatsSql(args: { since: Date | null; until: Date | null; excludeRunId: number | null }): { sql: string; params: unknown[] } {
  const p = new Params();
  const conds: string[] = [];
  if (args.since) conds.push(`l.started_at >= ${p.add(args.since)}::timestamptz`);
  if (args.until) conds.push(`l.started_at <= ${p.add(args.until)}::timestamptz`);
  if (args.excludeRunId !== null) conds.push(`l.id <> ${p.add(args.excludeRunId)}::int8`);
  const sql = `
    SELECT l.agent_name AS "agentName",
           count(*)::int AS "totalRuns",
           count(*) FILTER (WHERE l.status = 'success')::int AS "successfulRuns",
           count(*) FILTER (WHERE l.status = 'failure')::int AS "failedRuns",
           (count(*) FILTER (WHERE l.status = 'success'))::float8 / count(*) AS "successRate",
           avg(l.execution_time) AS "avgExecutionTime",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY l.execution_time) AS "p95ExecutionTime",
           max(l.started_at) AS "lastRunAt"
    FROM agent_logs l
    ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
    GROUP BY l.agent_name
    ORDER BY l.agent_name COLLATE "C"`;
  return { sql, params: p.values };
}

export function analyticsAgent(tx: Db, args: { since: Date | null; until: Date | null }, runId: number): Promise<AgentStats[]> {
  const { sql, params } = agentStatsSql({ ...args, excludeRunId: runId });
  return tx.query<AgentStats>(sql, params);
}

/** The agentPerformance query: the same aggregate, outside any run. */
export function agentPerformance(db: Db, args: { since: Date | null; until: Date | null }): Promise<AgentStats[]> {
  const { sql, params } = agentStatsSql({ ...args, excludeRunId: null });
  return db.query<AgentStats>(sql, params);
}
