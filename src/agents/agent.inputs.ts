/**
 * The agents' inputs (docs/agents.md), validated before the resolver runs: an input out of range
 * is BAD_USER_INPUT naming the field, and no run is recorded. An explicit null means "not given"
 * (the default applies), as for an omitted field or input.
 */
import { IsPositive, Max, Min, ValidateNested } from '../graphql/class-validator';
import { ArgsType, Field, Float, InputType, Int } from 'type-graphql';
import { AgentKind, Platform } from '../graphql/enums';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { IntRange, NotBefore } from '../graphql/validators';
import { MAX_WINDOW_DAYS } from '../modules/analytics/analytics.inputs';

@InputType({ description: 'Inputs of recomputeEngagementScores (docs/agents.md).' })
export class RecomputeEngagementInput {
  @Field(() => Int, { nullable: true, defaultValue: 30, description: 'Days of interactions counted before asOf: 1..3650, default 30.' })
  @IntRange(1, MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Days after which an interaction counts half: above 0, at most 3650; null for no decay.',
  })
  @IsPositive()
  @Max(MAX_WINDOW_DAYS)
  halfLifeDays?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The end of the window; default the run's start." })
  asOf?: Date | null;
}

@InputType({ description: 'Inputs of createPerformanceSnapshot (docs/agents.md).' })
export class PerformanceSnapshotInput {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 30,
    description: 'Days of published content counted before asOf: 1..3650, default 30.',
  })
  @IntRange(1, MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Platform, { nullable: true, description: 'Only content published on this platform; null for all.' })
  platform?: Platform | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The end of the window; default the run's start." })
  asOf?: Date | null;
}

/** Smaller rates would move no weight anyway, and their products underflow double precision (an error in PostgreSQL). */
export const MIN_LEARNING_RATE = 1e-6;

@InputType({ description: 'Inputs of tuneStrategy (docs/agents.md).' })
export class TuneStrategyInput {
  @Field(() => Float, {
    nullable: true,
    defaultValue: 0.3,
    description: `How far the weights move towards the latest snapshot: ${MIN_LEARNING_RATE}..1, default 0.3 (also when null).`,
  })
  @Min(MIN_LEARNING_RATE)
  @Max(1)
  learningRate?: number | null;
}

/**
 * Bounds on the runs' startedAt, both inclusive: the fields of analyzeAgentPerformance's input and of
 * the agentPerformance query's arguments, written once (each subclass gives its GraphQL kind).
 */
@ArgsType()
@InputType()
abstract class StartedAtBounds {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only runs started at or after this time; null for no lower bound.' })
  since?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Only runs started at or before this time, not before since; null for no upper bound.',
  })
  @NotBefore('since')
  until?: Date | null;
}

@InputType({ description: "Inputs of analyzeAgentPerformance: bounds on the runs' startedAt, both inclusive." })
export class AnalyzeAgentsInput extends StartedAtBounds {}

@ArgsType()
export class RecomputeEngagementArgs {
  @Field(() => RecomputeEngagementInput, { nullable: true, description: 'The window, half-life and asOf; null for all defaults.' })
  @ValidateNested()
  input?: RecomputeEngagementInput | null;
}

@ArgsType()
export class PerformanceSnapshotArgs {
  @Field(() => PerformanceSnapshotInput, { nullable: true, description: 'The window, platform and asOf; null for all defaults.' })
  @ValidateNested()
  input?: PerformanceSnapshotInput | null;
}

@ArgsType()
export class TuneStrategyArgs {
  @Field(() => TuneStrategyInput, { nullable: true, description: 'The learning rate; null for the default.' })
  @ValidateNested()
  input?: TuneStrategyInput | null;
}

@ArgsType()
export class AnalyzeAgentsArgs {
  @Field(() => AnalyzeAgentsInput, { nullable: true, description: 'The time bounds; null for all runs.' })
  @ValidateNested()
  input?: AnalyzeAgentsInput | null;
}

/** The agentPerformance query: since/until bound startedAt, inclusive. */
@ArgsType()
export class AgentPerformanceArgs extends StartedAtBounds {}

@ArgsType()
export class EnqueueAgentRunArgs {
  @Field(() => AgentKind, { description: 'The agent to run.' })
  agent!: AgentKind;

  /** Checked against the agent's input type and rules in the resolver (agent-kinds.ts), before anything is queued. */
  @Field(() => JSONScalar, {
    nullable: true,
    description: "The agent's input, as its mutation takes it (e.g. RecomputeEngagementInput for CONVERSION); null for all defaults.",
  })
  input?: unknown;
}
