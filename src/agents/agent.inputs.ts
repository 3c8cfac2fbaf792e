/**
 * The agents' inputs (agents.md), validated by class-validator before the resolver runs: an input
 * out of range is BAD_USER_INPUT naming the field, and no run is recorded. An explicit null means
 * "not given" (the default applies), as for an omitted field.
 */
import { IsInt, IsOptional, IsPositive, Max, Min } from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { Platform } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

export const MAX_WINDOW_DAYS = 3650;

@InputType()
export class RecomputeEngagementInput {
  @Field(() => Int, { nullable: true, defaultValue: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  @Max(MAX_WINDOW_DAYS)
  halfLifeDays?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  asOf?: Date | null;
}

@InputType()
export class PerformanceSnapshotInput {
  @Field(() => Int, { nullable: true, defaultValue: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_DAYS)
  windowDays?: number | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => DateTimeScalar, { nullable: true })
  asOf?: Date | null;
}

@InputType()
export class TuneStrategyInput {
  @Field(() => Float, { nullable: true, defaultValue: 0.3 })
  @IsOptional()
  @IsPositive()
  @Max(1)
  learningRate?: number | null;
}

@InputType()
export class AnalyzeAgentsInput {
  @Field(() => DateTimeScalar, { nullable: true })
  since?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  until?: Date | null;
}
