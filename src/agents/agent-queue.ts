/**
 * enqueueAgentRun and agentQueue (docs/agents.md "Automatic agents"): an agent run put on the job
 * queue, and what the queue holds per agent.
 */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Db } from '../db/db';
import { INCREMENTAL_TASK } from '../db/sql/conversion-trigger';
import { AgentKind } from '../graphql/enums';
import { AgentRun, AGENT_NAMES } from '../modules/agent-run/agent-run.type';
import { AGENT_KINDS, AgentJobPayload } from './agent-kinds';
import { agentRunTask, SCHEDULES } from './job-queue';
import { queueRun } from './run-agent';

@ObjectType('AgentQueueEntry', { simpleResolvers: true, description: "One agent's jobs in the job queue." })
export class AgentQueueEntry {
  @Field({ description: 'The name of the agent, e.g. ConversionAgent.' })
  agentName!: string;

  @Field(() => Int, { description: 'Jobs waiting for a worker (debounced, scheduled, or waiting to retry), not yet given up.' })
  queued!: number;

  @Field(() => Int, { description: 'Jobs a worker is running now.' })
  running!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Age in seconds of the oldest job waiting or running (since it was added); null when there is none.',
  })
  oldestJobAgeSeconds!: number | null;
}

@ObjectType('AgentQueue', { simpleResolvers: true, description: 'What the job queue of the automatic agents holds.' })
export class AgentQueue {
  @Field(() => [AgentQueueEntry], { description: 'Every agent of this server, in a fixed order, zeros included.' })
  agents!: AgentQueueEntry[];

  @Field(() => Int, {
    description: 'Users whose score the next incremental ConversionAgent job recomputes (distinct; 0 when none waits).',
  })
  pendingIncrementalUsers!: number;
}

/**
 * The `queued` run row and its job, in one transaction (the caller's, in a mutation operation of
 * several fields): both or neither. `input` was checked before (agent-kinds.ts checkAgentInput).
 */
export async function enqueueAgentRun(
  db: Db,
  maxAttempts: number,
  kind: AgentKind,
  input: Record<string, unknown> | null,
): Promise<AgentRun> {
  return db.transaction(async (tx) => {
    const run = await queueRun(tx, AGENT_KINDS[kind].name, input ?? {});
    const payload: AgentJobPayload = { input, runId: run.id };
    await tx.query('SELECT graphile_worker.add_job($1, $2::json, max_attempts => $3::int)', [
      agentRunTask(kind),
      JSON.stringify(payload),
      maxAttempts,
    ]);
    return run;
  });
}

/** Which agent a job runs, by its task. */
const AGENT_OF_TASK: Record<string, string> = {
  [INCREMENTAL_TASK]: 'ConversionAgent',
  ...Object.fromEntries(SCHEDULES.map((s) => [s.task, s.agents[0]])),
  ...Object.fromEntries(Object.values(AgentKind).map((k) => [agentRunTask(k), AGENT_KINDS[k].name])),
};

/** One aggregate over graphile-worker's jobs view (small: the queue coalesces) and the pending users. */
export async function agentQueue(db: Db): Promise<AgentQueue> {
  const rows = await db.query<AgentQueueEntry>(
    `WITH jobs AS (
       SELECT ($1::jsonb)->>j.task_identifier AS agent, j.locked_at, j.created_at
       FROM graphile_worker.jobs j
       WHERE j.locked_at IS NOT NULL OR j.attempts < j.max_attempts
     )
     SELECT n.name AS "agentName",
            count(j.agent) FILTER (WHERE j.locked_at IS NULL)::int AS queued,
            count(j.agent) FILTER (WHERE j.locked_at IS NOT NULL)::int AS running,
            extract(epoch FROM now() - min(j.created_at))::float8 AS "oldestJobAgeSeconds"
     FROM unnest($2::text[]) WITH ORDINALITY AS n(name, ord)
     LEFT JOIN jobs j ON j.agent = n.name
     GROUP BY n.name, n.ord ORDER BY n.ord`,
    [JSON.stringify(AGENT_OF_TASK), AGENT_NAMES],
  );
  const pending = await db.one<{ users: number }>(`SELECT count(DISTINCT u.id)::int AS users
     FROM conversion_pending p, unnest(coalesce(p.user_ids, ARRAY[p.user_id])) AS u(id)`);
  return { agents: rows, pendingIncrementalUsers: pending!.users };
}
