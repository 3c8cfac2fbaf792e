import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import { checkFirst, Page } from '../../graphql/connection';
import { Platform } from '../../graphql/enums';
import { parseId } from '../../graphql/ids';
import { AgentRun } from '../agent-run/agent-run.type';
import { PublishedContent } from '../published-content/published-content.type';
import { latestPerformanceSnapshot, listPerformanceSnapshots } from './performance-snapshot.service';
import { PerformanceSnapshot, PerformanceSnapshotConnection } from './performance-snapshot.type';

@Resolver(() => PerformanceSnapshot)
export class PerformanceSnapshotResolver {
  @Authorized('reader')
  @Query(() => PerformanceSnapshot, { nullable: true })
  performanceSnapshot(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PerformanceSnapshot | null> {
    return ctx.loaders.performanceSnapshot.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => PerformanceSnapshot, {
    nullable: true,
    description: 'The newest snapshot of that platform; without one, the newest snapshot over every platform (the one tuneStrategy uses).',
  })
  latestPerformanceSnapshot(
    @Arg('platform', () => Platform, { nullable: true }) platform: Platform | null,
    @Ctx() ctx: Context,
  ): Promise<PerformanceSnapshot | null> {
    return latestPerformanceSnapshot(ctx.db, platform ?? null);
  }

  @Authorized('reader')
  @Query(() => PerformanceSnapshotConnection, { description: 'Newest first (createdAt DESC).' })
  performanceSnapshots(@Args() { first, after }: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<PerformanceSnapshot>> {
    return listPerformanceSnapshots(ctx.db, { first, after });
  }

  /** The stored ids (best first, as of the snapshot), loaded through the request's content loader: one statement for every snapshot. */
  @FieldResolver(() => [PublishedContent])
  async topContent(
    @Root() snapshot: PerformanceSnapshot,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<PublishedContent[]> {
    const ids = snapshot.topContentIds.slice(0, checkFirst(first ?? 10));
    const rows = await Promise.all(ids.map((id) => ctx.loaders.content.load(id)));
    return rows.filter((r): r is PublishedContent => r !== null);
  }

  @FieldResolver(() => AgentRun)
  async run(@Root() snapshot: PerformanceSnapshot, @Ctx() ctx: Context): Promise<AgentRun> {
    return (await ctx.loaders.agentRun.load(Number(snapshot.runId)))!;
  }
}
