import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import { AgentRun } from '../modules/agent-run/agent-run.type';
import { TierCount } from '../modules/community-user/tier-distribution';

@ObjectType('AgentStats', { simpleResolvers: true })
export class AgentStats {
  @Field()
  agentName!: string;

  @Field(() => Int)
  totalRuns!: number;

  @Field(() => Int)
  successfulRuns!: number;

  @Field(() => Int)
  failedRuns!: number;

  @Field(() => Float, { description: 'successfulRuns / totalRuns, 0..1.' })
  successRate!: number;

  @Field(() => Float, { nullable: true })
  avgExecutionTime!: number | null;

  @Field(() => Float, { nullable: true })
  p95ExecutionTime!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastRunAt!: Date | null;
}

@ObjectType('AgentAnalysis', { simpleResolvers: true })
export class AgentAnalysis {
  @Field(() => AgentRun)
  run!: AgentRun;

  @Field(() => DateTimeScalar, { nullable: true })
  since!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  until!: Date | null;

  @Field(() => [AgentStats], { description: "Every agent's runs in [since, until], this analysis's own run excluded." })
  stats!: AgentStats[];
}

@ObjectType('EngagementRecompute', { simpleResolvers: true })
export class EngagementRecompute {
  @Field(() => AgentRun)
  run!: AgentRun;

  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => Int)
  windowDays!: number;

  @Field(() => Float, { nullable: true })
  halfLifeDays!: number | null;

  @Field(() => Int, { description: 'Users with at least one interaction in the window.' })
  usersScored!: number;

  @Field(() => Int)
  totalUsers!: number;

  @Field(() => Int)
  promoted!: number;

  @Field(() => Int)
  demoted!: number;

  @Field(() => [TierCount])
  tiers!: TierCount[];
}
