import type { Db } from '../db/db';
import { Params } from '../db/sql/params';
import { intCount } from '../db/sql/saturate';
import type { AgentStats } from './agent-stats.type';

/**
 * AnalyticsAgent (docs/agents.md), also the `agentPerformance` query: per agent name, the runs whose
 * started_at is within [since, until] (each bound optional, inclusive): totalRuns (any status),
 * successfulRuns, failedRuns, successRate = successful / total, avgExecutionTime and the continuous
 * 95th percentile (percentile_cont(0.95)) of the non-null execution times, lastRunAt = latest
 * started_at; agents in code-point order of their names (COLLATE "C": independent of the locale).
 * The counts saturate at 2^31 - 1 (GraphQL Int; agent_logs has an int8 key). The means cannot
 * overflow: execution times are bounded (recordAgentRun) or measured.
 * `excludeRunId` leaves out the analysing run's own row (still `running` while it counts).
 *
 * One GROUP BY over agent_logs. Unbounded, PostgreSQL walks idx_agent_logs_agent_started, which
 * hands the rows over already grouped by name (no sort of the 1M rows; a sequential scan plus a
 * sort measured the same, ~0.5 s CPU); a narrow [since, until] reads idx_agent_logs_started_at_id.
 * percentile_cont sorts each agent's times inside the aggregate.
 */
export function agentStatsSql(args: { since: Date | null; until: Date | null; excludeRunId: number | null }): {
  sql: string;
  params: unknown[];
} {
  const p = new Params();
  const conds: string[] = [];
  if (args.since) conds.push(`l.started_at >= ${p.add(args.since)}::timestamptz`);
  if (args.until) conds.push(`l.started_at <= ${p.add(args.until)}::timestamptz`);
  if (args.excludeRunId !== null) conds.push(`l.id <> ${p.add(args.excludeRunId)}::int8`);
  const sql = `
    SELECT l.agent_name AS "agentName",
           ${intCount('count(*)')} AS "totalRuns",
           ${intCount("count(*) FILTER (WHERE l.status = 'success')")} AS "successfulRuns",
           ${intCount("count(*) FILTER (WHERE l.status = 'failure')")} AS "failedRuns",
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

/**
 * The agentPerformance query: the same aggregate outside any run, in a short transaction that
 * turns JIT off and gives it the agents' work_mem (JIT alone added ~250 ms on 1M logs).
 */
export function agentPerformance(db: Db, args: { since: Date | null; until: Date | null }, workMem: string): Promise<AgentStats[]> {
  const { sql, params } = agentStatsSql({ ...args, excludeRunId: null });
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', $1, true)`, [workMem]);
    return tx.query<AgentStats>(sql, params);
  });
}
