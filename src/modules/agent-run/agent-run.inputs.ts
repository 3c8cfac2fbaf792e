import { Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { RunStatus } from '../../graphql/enums';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars';
import { NotBefore, TrimmedText } from '../../graphql/validators';

@ArgsType()
export class AgentRunsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'The exact name; 1 to 500 characters after trimming, as names are stored.' })
  @TrimmedText(500)
  agentName?: string | null;

  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;
}

@InputType()
export class RecordAgentRunInput {
  @Field({ description: '1 to 500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  agentName!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @NotBefore('startedAt')
  finishedAt?: Date | null;

  @Field(() => Float, { nullable: true, description: 'Milliseconds. Default: finishedAt - startedAt when both are given.' })
  @Min(0)
  executionTime?: number | null;

  @Field(() => String, { nullable: true })
  error?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  details?: unknown;
}

@ArgsType()
export class RecordAgentRunArgs {
  @Field(() => RecordAgentRunInput)
  @ValidateNested()
  input!: RecordAgentRunInput;
}
