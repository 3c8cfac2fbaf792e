import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, Ctx, Info, Mutation, Query, Resolver } from 'type-graphql';
import { cached } from '../cache';
import type { Context } from '../context';
import { TierCount, tierDistribution } from '../modules/community-user/tier-distribution';
import { PerformanceSnapshot } from '../modules/performance-snapshot/performance-snapshot.type';
import { Strategy, StrategyRow } from '../modules/strategy/strategy.type';
import { AgentRun } from '../modules/agent-run/agent-run.type';
import {
  AgentPerformanceArgs,
  AnalyzeAgentsArgs,
  EnqueueAgentRunArgs,
  PerformanceSnapshotArgs,
  RecomputeEngagementArgs,
  TuneStrategyArgs,
} from './agent.inputs';
import { AgentAnalysis, AgentStats, EngagementRecompute } from './agent-stats.type';
import { checkAgentInput } from './agent-kinds';
import { AgentQueue, agentQueue, enqueueAgentRun } from './agent-queue';
import { agentPerformance } from './analytics.agent';
import { AgentKind } from '../graphql/enums';
import {
  analyzeAgentPerformance,
  checkRetainedWindow,
  createPerformanceSnapshot,
  recomputeEngagementScores,
  tuneStrategy,
} from './agents.service';
import type { AgentSettings } from './run-agent';

const settings = (ctx: Context): AgentSettings => ({ ...ctx.config, log: ctx.log });

@Resolver()
export class AgentsResolver {
  @Authorized('admin')
  @Mutation(() => EngagementRecompute, { description: 'ConversionAgent: engagement scores and tiers for every community user.' })
  recomputeEngagementScores(@Args() { input }: RecomputeEngagementArgs, @Ctx() ctx: Context): Promise<EngagementRecompute> {
    return recomputeEngagementScores(ctx.db, settings(ctx), input ?? null);
  }

  @Authorized('admin')
  @Mutation(() => PerformanceSnapshot, { description: 'PerformanceAnalyticsAgent: a stored snapshot of content performance.' })
  createPerformanceSnapshot(@Args() { input }: PerformanceSnapshotArgs, @Ctx() ctx: Context): Promise<PerformanceSnapshot> {
    return createPerformanceSnapshot(ctx.db, settings(ctx), input ?? null);
  }

  @Authorized('admin')
  @Mutation(() => Strategy, { description: 'StrategyTuningAgent: a new strategy version from the latest snapshot.' })
  tuneStrategy(@Args() { input }: TuneStrategyArgs, @Ctx() ctx: Context): Promise<StrategyRow> {
    return tuneStrategy(ctx.db, settings(ctx), input ?? null);
  }

  @Authorized('admin')
  @Mutation(() => AgentAnalysis, { description: 'AnalyticsAgent: run statistics of every agent.' })
  analyzeAgentPerformance(@Args() { input }: AnalyzeAgentsArgs, @Ctx() ctx: Context): Promise<AgentAnalysis> {
    return analyzeAgentPerformance(ctx.db, settings(ctx), input ?? null);
  }

  @Authorized('admin')
  @Mutation(() => AgentRun, {
    description:
      'Puts a run of an agent on the job queue and returns it at once, QUEUED; a worker runs it (RUNNING, then SUCCESS or FAILURE), ' +
      'retrying a failure with backoff up to AGENT_MAX_ATTEMPTS times, each attempt a run of its own (docs/agents.md).',
  })
  enqueueAgentRun(@Args() { agent, input }: EnqueueAgentRunArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<AgentRun> {
    const checked = checkAgentInput(info.schema, agent, input);
    if (agent === AgentKind.CONVERSION) {
      const windowDays = (checked?.windowDays as number | null | undefined) ?? 30;
      checkRetainedWindow(ctx.config.interactionsRetentionMonths, windowDays, checked?.asOf ? new Date(checked.asOf as string) : null);
    }
    return enqueueAgentRun(ctx.db, ctx.config.agentMaxAttempts, agent, checked);
  }

  @Authorized('admin')
  @Query(() => AgentQueue, { description: "The job queue of the automatic agents: each agent's queued and running jobs, pending users." })
  agentQueue(@Ctx() ctx: Context): Promise<AgentQueue> {
    return agentQueue(ctx.db);
  }

  @Authorized('reader')
  @Query(() => [TierCount], { description: 'Every tier in rank order, zeros included.' })
  tierDistribution(@Ctx() ctx: Context): Promise<TierCount[]> {
    return cached(ctx, 'tierDistribution', {}, () => tierDistribution(ctx.db));
  }

  @Authorized('reader')
  @Query(() => [AgentStats], { description: 'Run statistics per agent name; since/until bound startedAt, inclusive.' })
  agentPerformance(@Args() { since, until }: AgentPerformanceArgs, @Ctx() ctx: Context): Promise<AgentStats[]> {
    const args = { since: since ?? null, until: until ?? null };
    return cached(ctx, 'agentPerformance', args, () => agentPerformance(ctx.db, args, ctx.config.agentWorkMem));
  }
}
