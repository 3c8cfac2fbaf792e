import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { IdArgs } from '../../graphql/args';
import { entityId } from '../../graphql/validators';
import { joinedOrLoad } from '../../loaders';
import { Insight } from '../insight/insight.type';
import { JOINED_INSIGHT } from '../published-content/published-content.service';
import { PublishedContent } from '../published-content/published-content.type';
import { ContentPlansArgs } from './content-plan.inputs';
import { listContentPlans } from './content-plan.service';
import { ContentPlan, ContentPlanConnection } from './content-plan.type';

@Resolver(() => ContentPlan)
export class ContentPlanResolver {
  @Authorized('reader')
  @Query(() => ContentPlan, { nullable: true, description: 'The content plan with this id; null when there is none.' })
  contentPlan(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<ContentPlan | null> {
    return ctx.loaders.contentPlan.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => ContentPlanConnection, { description: 'Content plans, newest createdAt first.' })
  contentPlans(@Args() args: ContentPlansArgs, @Ctx() ctx: Context): Promise<Page<ContentPlan>> {
    return listContentPlans(ctx.db, args);
  }

  @FieldResolver(() => Insight, { nullable: true, description: 'The insight the plan was drawn from; null for none.' })
  insight(@Parent() plan: ContentPlan, @Ctx() ctx: Context): Insight | null | Promise<Insight | null> {
    return plan.insightId === null ? null : joinedOrLoad(plan, JOINED_INSIGHT, () => ctx.loaders.insight, plan.insightId);
  }

  @FieldResolver(() => [PublishedContent], { description: 'The content published from this plan, newest publishedAt first, at most 100.' })
  publishedContent(@Parent() plan: ContentPlan, @Ctx() ctx: Context): Promise<PublishedContent[]> {
    return ctx.loaders.contentByPlan.load(Number(plan.id));
  }
}
