import { IsIn, Max, Min, ValidateIf, ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { RunStatus } from '../../graphql/enums';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars';
import { NotBefore, TrimmedText } from '../../graphql/validators';
import { AGENT_NAMES } from './agent-run.type';

/** Milliseconds: about 115 days, longer than any run; keeps every sum and mean of execution times finite. */
export const MAX_EXECUTION_TIME_MS = 1e10;

const ownAgent = (o: RecordAgentRunInput): boolean => (AGENT_NAMES as readonly string[]).includes(o.agentName?.trim());

@ArgsType()
export class AgentRunsArgs extends ConnectionArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only runs of the agent with exactly this name (1..500 characters after trimming); null for all.',
  })
  @TrimmedText(500)
  agentName?: string | null;

  @Field(() => RunStatus, { nullable: true, description: 'Only runs with this status; null for all.' })
  status?: RunStatus | null;
}

@InputType({ description: 'A run of an external agent to record.' })
export class RecordAgentRunInput {
  @Field({ description: 'The name of the agent: 1..500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  agentName!: string;

  /**
   * A `running` row of one of the server's own agents would look like a run of this server: the run
   * sweep would mark it abandoned at once, and until then it would count in agentPerformance.
   */
  @Field(() => RunStatus, {
    description: `How the run stands; RUNNING is refused for the server's own agents (${AGENT_NAMES.join(', ')}).`,
  })
  @ValidateIf(ownAgent)
  @IsIn([RunStatus.SUCCESS, RunStatus.FAILURE], {
    message: (a) =>
      `must be SUCCESS or FAILURE for ${String((a.object as RecordAgentRunInput).agentName).trim()}: ` +
      "only this server records its own agents' runs as RUNNING",
  })
  status!: RunStatus;

  @Field(() => DateTimeScalar, { description: 'When the run started.' })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run finished, not before startedAt; null while running.' })
  @NotBefore('startedAt')
  finishedAt?: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: `Run duration in milliseconds, 0..${MAX_EXECUTION_TIME_MS}; default finishedAt - startedAt when both are given.`,
  })
  @Min(0)
  @Max(MAX_EXECUTION_TIME_MS)
  executionTime?: number | null;

  @Field(() => String, { nullable: true, description: 'The error message of a failed run; null for none.' })
  error?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Free-form JSON to keep with the run; null for none.' })
  details?: unknown;
}

@ArgsType()
export class RecordAgentRunArgs {
  @Field(() => RecordAgentRunInput, { description: 'The run to record.' })
  @ValidateNested()
  input!: RecordAgentRunInput;
}

@ArgsType()
export class AgentRunUpdatedArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Only runs of the agent with exactly this name (1..500 characters after trimming, compared trimmed); null for every agent.',
  })
  @TrimmedText(500)
  agentName?: string | null;
}
