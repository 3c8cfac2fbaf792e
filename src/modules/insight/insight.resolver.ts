import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { ConnectionArgs, IdArgs, pageArgs } from '../../graphql/args';
import { entityId } from '../../graphql/validators';
import { CHILD_SPECS } from '../../loaders/specs';
import { ContentPlan, ContentPlanConnection } from '../content-plan/content-plan.type';
import { InsightsArgs } from './insight.inputs';
import { listInsights } from './insight.service';
import { Insight, InsightConnection } from './insight.type';

@Resolver(() => Insight)
export class InsightResolver {
  @Authorized('reader')
  @Query(() => Insight, { nullable: true, description: 'The insight with this id; null when there is none.' })
  insight(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<Insight | null> {
    return ctx.loaders.insight.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => InsightConnection, { description: 'Insights, newest createdAt first.' })
  insights(@Args() args: InsightsArgs, @Ctx() ctx: Context): Promise<Page<Insight>> {
    return listInsights(ctx.db, args);
  }

  @FieldResolver(() => ContentPlanConnection, { description: 'The content plans drawn from this insight, newest createdAt first.' })
  contentPlans(@Parent() insight: Insight, @Args() args: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<ContentPlan>> {
    return ctx.loaders.plansByInsight.load({ parentId: Number(insight.id), ...pageArgs(args, CHILD_SPECS.plansByInsight.order) });
  }
}
