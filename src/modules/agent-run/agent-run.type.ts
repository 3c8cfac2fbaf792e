import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { RunStatus } from '../../graphql/enums';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('AgentRun', {
  implements: Node,
  simpleResolvers: true,
  description: 'One run of an agent: recorded by this server for its own agents, or sent through recordAgentRun.',
})
export class AgentRun {
  @Field(() => ID, { description: 'The agent run id.' })
  id!: string;

  @Field({ description: 'The name of the agent, e.g. ConversionAgent.' })
  agentName!: string;

  @Field(() => RunStatus, { description: 'Whether the run is running, succeeded or failed.' })
  status!: RunStatus;

  @Field(() => DateTimeScalar, { description: 'When the run started.' })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run finished; null while running.' })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Run duration in milliseconds; null while running or when unknown.' })
  executionTime!: number | null;

  @Field(() => String, { nullable: true, description: 'The error message of a failed run; null otherwise.' })
  error!: string | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'Free-form JSON the agent attached (e.g. its inputs and results); null when none.',
  })
  details!: unknown;
}

/** This server's own agents (src/agents): only the server records their runs as `running`. */
export const AGENT_NAMES = ['ConversionAgent', 'PerformanceAnalyticsAgent', 'StrategyTuningAgent', 'AnalyticsAgent'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const AgentRunConnection = connectionType('AgentRun', AgentRun);

export const AGENT_RUN_COLUMNS = `t.id::text AS id, t.agent_name AS "agentName", upper(t.status) AS status, t.started_at AS "startedAt",
  t.finished_at AS "finishedAt", t.execution_time AS "executionTime", t.error, t.details`;
