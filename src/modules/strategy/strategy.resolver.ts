import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { ConnectionArgs } from '../../graphql/args';
import { ContentFormat, Platform } from '../../graphql/enums';
import { AgentRun } from '../agent-run/agent-run.type';
import { PerformanceSnapshot } from '../performance-snapshot/performance-snapshot.type';
import { currentStrategy, listStrategies } from './strategy.service';
import { FormatWeight, PlatformWeight, Strategy, StrategyConnection, StrategyRow } from './strategy.type';

@Resolver(() => Strategy)
export class StrategyResolver {
  @Authorized('reader')
  @Query(() => Strategy, { nullable: true, description: 'The strategy with the highest version.' })
  currentStrategy(@Ctx() ctx: Context): Promise<StrategyRow | null> {
    return currentStrategy(ctx.db);
  }

  @Authorized('reader')
  @Query(() => StrategyConnection, { description: 'Strategy versions, highest version first.' })
  strategies(@Args() args: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<StrategyRow>> {
    return listStrategies(ctx.db, args);
  }

  /** Every ContentFormat in the enum's declared order. */
  @FieldResolver(() => [FormatWeight], { description: "The weight of every content format, in the enum's declared order; they sum to 1." })
  formatWeights(@Parent() s: StrategyRow): FormatWeight[] {
    return Object.values(ContentFormat).map((format) => ({ format, weight: s.formatWeightMap[format] }));
  }

  /** Every Platform in the enum's declared order. */
  @FieldResolver(() => [PlatformWeight], { description: "The weight of every platform, in the enum's declared order; they sum to 1." })
  platformWeights(@Parent() s: StrategyRow): PlatformWeight[] {
    return Object.values(Platform).map((platform) => ({ platform, weight: s.platformWeightMap[platform] }));
  }

  @FieldResolver(() => PerformanceSnapshot, { description: 'The performance snapshot the weights were computed from.' })
  async snapshot(@Parent() s: StrategyRow, @Ctx() ctx: Context): Promise<PerformanceSnapshot> {
    return (await ctx.loaders.performanceSnapshot.load(Number(s.snapshotId)))!;
  }

  @FieldResolver(() => AgentRun, { description: 'The StrategyTuningAgent run that wrote this version.' })
  async run(@Parent() s: StrategyRow, @Ctx() ctx: Context): Promise<AgentRun> {
    return (await ctx.loaders.agentRun.load(Number(s.runId)))!;
  }
}
