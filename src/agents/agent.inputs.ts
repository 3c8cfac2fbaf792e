/**
 * The agents' inputs (docs/agents.md), validated before the resolver runs: an input out of range
 * is BAD_USER_INPUT naming the field, and no run is recorded. An explicit null means "not given"
 * (the default applies), as for an omitted field or input.
 */
import { IsPositive, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, InputType, Int } from 'type-graphql';
import { Platform } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { IntRange, NotBefore } from '../graphql/validators';
import { MAX_WINDOW_DAYS } from '../modules/analytics/analytics.inputs';

@InputType()
export class RecomputeEngagementInput {
  @Field(() => Int, { nullable: true, defaultValue: 30 })
  @IntRange(1, MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Float, { nullable: true })
  @IsPositive()
  @Max(MAX_WINDOW_DAYS)
  halfLifeDays?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  asOf?: Date | null;
}

@InputType()
export class PerformanceSnapshotInput {
  @Field(() => Int, { nullable: true, defaultValue: 30 })
  @IntRange(1, MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => DateTimeScalar, { nullable: true })
  asOf?: Date | null;
}

/** Smaller rates would move no weight anyway, and their products underflow double precision (an error in PostgreSQL). */
export const MIN_LEARNING_RATE = 1e-6;

@InputType()
export class TuneStrategyInput {
  @Field(() => Float, { nullable: true, defaultValue: 0.3, description: `${MIN_LEARNING_RATE} to 1.` })
  @Min(MIN_LEARNING_RATE)
  @Max(1)
  learningRate?: number | null;
}

@InputType()
export class AnalyzeAgentsInput {
  @Field(() => DateTimeScalar, { nullable: true })
  since?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Not before `since`.' })
  @NotBefore('since')
  until?: Date | null;
}

@ArgsType()
export class RecomputeEngagementArgs {
  @Field(() => RecomputeEngagementInput, { nullable: true })
  @ValidateNested()
  input?: RecomputeEngagementInput | null;
}

@ArgsType()
export class PerformanceSnapshotArgs {
  @Field(() => PerformanceSnapshotInput, { nullable: true })
  @ValidateNested()
  input?: PerformanceSnapshotInput | null;
}

@ArgsType()
export class TuneStrategyArgs {
  @Field(() => TuneStrategyInput, { nullable: true })
  @ValidateNested()
  input?: TuneStrategyInput | null;
}

@ArgsType()
export class AnalyzeAgentsArgs {
  @Field(() => AnalyzeAgentsInput, { nullable: true })
  @ValidateNested()
  input?: AnalyzeAgentsInput | null;
}

/** The agentPerformance query: since/until bound startedAt, inclusive. */
@ArgsType()
export class AgentPerformanceArgs {
  @Field(() => DateTimeScalar, { nullable: true })
  since?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Not before `since`.' })
  @NotBefore('since')
  until?: Date | null;
}
