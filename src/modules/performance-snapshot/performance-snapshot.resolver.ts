import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { ConnectionArgs, IdArgs } from '../../graphql/args';
import { entityId } from '../../graphql/validators';
import { AgentRun } from '../agent-run/agent-run.type';
import { PublishedContent } from '../published-content/published-content.type';
import { LatestPerformanceSnapshotArgs, TopContentArgs } from './performance-snapshot.inputs';
import { latestPerformanceSnapshot, listPerformanceSnapshots } from './performance-snapshot.service';
import { PerformanceSnapshot, PerformanceSnapshotConnection } from './performance-snapshot.type';

@Resolver(() => PerformanceSnapshot)
export class PerformanceSnapshotResolver {
  @Authorized('reader')
  @Query(() => PerformanceSnapshot, { nullable: true, description: 'The performance snapshot with this id; null when there is none.' })
  performanceSnapshot(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<PerformanceSnapshot | null> {
    return ctx.loaders.performanceSnapshot.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => PerformanceSnapshot, {
    nullable: true,
    description: 'The newest snapshot of that platform; without one, the newest snapshot over every platform (the one tuneStrategy uses).',
  })
  latestPerformanceSnapshot(@Args() { platform }: LatestPerformanceSnapshotArgs, @Ctx() ctx: Context): Promise<PerformanceSnapshot | null> {
    return latestPerformanceSnapshot(ctx.db, platform ?? null);
  }

  @Authorized('reader')
  @Query(() => PerformanceSnapshotConnection, { description: 'Performance snapshots, newest createdAt first.' })
  performanceSnapshots(@Args() args: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<PerformanceSnapshot>> {
    return listPerformanceSnapshots(ctx.db, args);
  }

  /** The stored ids (best first, as of the snapshot), loaded through the request's content loader: one statement for every snapshot. */
  @FieldResolver(() => [PublishedContent], {
    description: 'The content in scope with the highest engagementRate (ties: lowest id), as stored at creation; deleted rows left out.',
  })
  async topContent(
    @Parent() snapshot: PerformanceSnapshot,
    @Args() { first }: TopContentArgs,
    @Ctx() ctx: Context,
  ): Promise<PublishedContent[]> {
    const ids = snapshot.topContentIds.slice(0, first ?? 10);
    const rows = await Promise.all(ids.map((id) => ctx.loaders.content.load(id)));
    return rows.filter((r): r is PublishedContent => r !== null);
  }

  @FieldResolver(() => AgentRun, { description: 'The PerformanceAnalyticsAgent run that wrote this snapshot.' })
  async run(@Parent() snapshot: PerformanceSnapshot, @Ctx() ctx: Context): Promise<AgentRun> {
    return (await ctx.loaders.agentRun.load(Number(snapshot.runId)))!;
  }
}
