import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { RunStatus } from '../../graphql/enums';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars';

@ObjectType('AgentRun', { simpleResolvers: true })
export class AgentRun {
  @Field(() => ID)
  id!: string;

  @Field()
  agentName!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Milliseconds; null while running.' })
  executionTime!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => JSONScalar, { nullable: true })
  details!: unknown;
}

/** This server's own agents (src/agents): only the server records their runs as `running`. */
export const AGENT_NAMES = ['ConversionAgent', 'PerformanceAnalyticsAgent', 'StrategyTuningAgent', 'AnalyticsAgent'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const AgentRunConnection = connectionType('AgentRun', AgentRun);

export const AGENT_RUN_COLUMNS = `t.id::text AS id, t.agent_name AS "agentName", upper(t.status) AS status, t.started_at AS "startedAt",
  t.finished_at AS "finishedAt", t.execution_time AS "executionTime", t.error, t.details`;
