import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import { AgentRun } from '../modules/agent-run/agent-run.type';
import { TierCount } from '../modules/community-user/tier-distribution';

@ObjectType('AgentStats', { simpleResolvers: true, description: "Run statistics of one agent, by its runs' startedAt." })
export class AgentStats {
  @Field({ description: 'The name of the agent.' })
  agentName!: string;

  @Field(() => Int, { description: 'Count of runs of any status, saturating at 2^31 - 1.' })
  totalRuns!: number;

  @Field(() => Int, { description: 'Count of SUCCESS runs, saturating at 2^31 - 1.' })
  successfulRuns!: number;

  @Field(() => Int, { description: 'Count of FAILURE runs (abandoned ones included), saturating at 2^31 - 1.' })
  failedRuns!: number;

  @Field(() => Float, { description: 'The share of successful runs: successfulRuns / totalRuns, a ratio, 0..1.' })
  successRate!: number;

  @Field(() => Float, { nullable: true, description: 'Mean execution time in milliseconds of the runs that have one; null when none has.' })
  avgExecutionTime!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '95th percentile (continuous) of the execution times in milliseconds; null when no run has one.',
  })
  p95ExecutionTime!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The latest startedAt; null when there is no run.' })
  lastRunAt!: Date | null;
}

@ObjectType('AgentAnalysis', {
  simpleResolvers: true,
  description: 'The result of analyzeAgentPerformance: per-agent statistics and the run that computed them.',
})
export class AgentAnalysis {
  @Field(() => AgentRun, { description: 'The AnalyticsAgent run that computed these statistics.' })
  run!: AgentRun;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The lower bound on startedAt that was used (inclusive); null for none.' })
  since!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The upper bound on startedAt that was used (inclusive); null for none.' })
  until!: Date | null;

  @Field(() => [AgentStats], { description: "Every agent's runs in [since, until], this analysis's own run excluded." })
  stats!: AgentStats[];
}

@ObjectType('EngagementRecompute', { simpleResolvers: true, description: 'The result of recomputeEngagementScores.' })
export class EngagementRecompute {
  @Field(() => AgentRun, { description: 'The ConversionAgent run that did the recompute.' })
  run!: AgentRun;

  @Field(() => DateTimeScalar, { description: 'The end of the window that was used.' })
  asOf!: Date;

  @Field(() => Int, { description: 'Days of interactions counted before asOf: 1..3650.' })
  windowDays!: number;

  @Field(() => Float, { nullable: true, description: 'Days after which an interaction counts half; null for no decay.' })
  halfLifeDays!: number | null;

  @Field(() => Int, { description: 'Count of users with at least one interaction in the window.' })
  usersScored!: number;

  @Field(() => Int, { description: 'Count of all community users.' })
  totalUsers!: number;

  @Field(() => Int, { description: 'Count of users whose tier rank went up in this run.' })
  promoted!: number;

  @Field(() => Int, { description: 'Count of users whose tier rank went down in this run.' })
  demoted!: number;

  @Field(() => [TierCount], { description: 'The user count of each tier after the run, in rank order, zeros included.' })
  tiers!: TierCount[];
}
