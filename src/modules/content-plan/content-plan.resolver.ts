import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import type { Page } from '../../graphql/connection';
import { parseId } from '../../graphql/ids';
import { Insight } from '../insight/insight.type';
import { PublishedContent } from '../published-content/published-content.type';
import { ContentPlanFilter } from './content-plan.inputs';
import { listContentPlans } from './content-plan.service';
import { ContentPlan, ContentPlanConnection } from './content-plan.type';

@Resolver(() => ContentPlan)
export class ContentPlanResolver {
  @Authorized('reader')
  @Query(() => ContentPlan, { nullable: true })
  contentPlan(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContentPlan | null> {
    return ctx.loaders.contentPlan.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => ContentPlanConnection)
  contentPlans(
    @Args() { first, after }: ConnectionArgs,
    @Arg('filter', () => ContentPlanFilter, { nullable: true }) filter: ContentPlanFilter | null,
    @Ctx() ctx: Context,
  ): Promise<Page<ContentPlan>> {
    return listContentPlans(ctx.db, { first, after, filter });
  }

  @FieldResolver(() => Insight, { nullable: true })
  insight(@Root() plan: ContentPlan, @Ctx() ctx: Context): Promise<Insight | null> | null {
    return plan.insightId === null ? null : ctx.loaders.insight.load(plan.insightId);
  }

  @FieldResolver(() => [PublishedContent], { description: 'Newest first, at most 100.' })
  publishedContent(@Root() plan: ContentPlan, @Ctx() ctx: Context): Promise<PublishedContent[]> {
    return ctx.loaders.contentByPlan.load(Number(plan.id));
  }
}
