import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DateTimeScalar } from '../graphql/scalars';
import { TierCount, tierDistribution } from '../modules/community-user/tier-distribution';
import { PerformanceSnapshot } from '../modules/performance-snapshot/performance-snapshot.type';
import { Strategy, StrategyRow } from '../modules/strategy/strategy.type';
import { AnalyzeAgentsInput, PerformanceSnapshotInput, RecomputeEngagementInput, TuneStrategyInput } from './agent.inputs';
import { AgentAnalysis, AgentStats, EngagementRecompute } from './agent-stats.type';
import { agentPerformance } from './analytics.agent';
import { analyzeAgentPerformance, createPerformanceSnapshot, recomputeEngagementScores, tuneStrategy } from './agents.service';

@Resolver()
export class AgentsResolver {
  @Authorized('admin')
  @Mutation(() => EngagementRecompute, { description: 'ConversionAgent: engagement scores and tiers for every community user.' })
  recomputeEngagementScores(
    @Arg('input', () => RecomputeEngagementInput, { nullable: true }) input: RecomputeEngagementInput | null,
    @Ctx() ctx: Context,
  ): Promise<EngagementRecompute> {
    return recomputeEngagementScores(ctx, input);
  }

  @Authorized('admin')
  @Mutation(() => PerformanceSnapshot, { description: 'PerformanceAnalyticsAgent: a stored snapshot of content performance.' })
  createPerformanceSnapshot(
    @Arg('input', () => PerformanceSnapshotInput, { nullable: true }) input: PerformanceSnapshotInput | null,
    @Ctx() ctx: Context,
  ): Promise<PerformanceSnapshot> {
    return createPerformanceSnapshot(ctx, input);
  }

  @Authorized('admin')
  @Mutation(() => Strategy, { description: 'StrategyTuningAgent: a new strategy version from the latest snapshot.' })
  tuneStrategy(
    @Arg('input', () => TuneStrategyInput, { nullable: true }) input: TuneStrategyInput | null,
    @Ctx() ctx: Context,
  ): Promise<StrategyRow> {
    return tuneStrategy(ctx, input);
  }

  @Authorized('admin')
  @Mutation(() => AgentAnalysis, { description: 'AnalyticsAgent: run statistics of every agent.' })
  analyzeAgentPerformance(
    @Arg('input', () => AnalyzeAgentsInput, { nullable: true }) input: AnalyzeAgentsInput | null,
    @Ctx() ctx: Context,
  ): Promise<AgentAnalysis> {
    return analyzeAgentPerformance(ctx, input);
  }

  @Authorized('reader')
  @Query(() => [TierCount], { description: 'Every tier in rank order, zeros included.' })
  tierDistribution(@Ctx() ctx: Context): Promise<TierCount[]> {
    return tierDistribution(ctx.db);
  }

  @Authorized('reader')
  @Query(() => [AgentStats], { description: 'Run statistics per agent name; since/until bound startedAt, inclusive.' })
  agentPerformance(
    @Arg('since', () => DateTimeScalar, { nullable: true }) since: Date | null,
    @Arg('until', () => DateTimeScalar, { nullable: true }) until: Date | null,
    @Ctx() ctx: Context,
  ): Promise<AgentStats[]> {
    return agentPerformance(ctx.db, { since: since ?? null, until: until ?? null }, ctx.config.agentWorkMem);
  }
}
