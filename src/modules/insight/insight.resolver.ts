import { Arg, Args, Authorized, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import { checkFirst, Page } from '../../graphql/connection';
import { parseId } from '../../graphql/ids';
import { checkCursor, decodeCursor } from '../../graphql/keyset';
import { CHILD_SPECS } from '../../loaders/specs';
import { ContentPlan, ContentPlanConnection } from '../content-plan/content-plan.type';
import { listInsights } from './insight.service';
import { Insight, InsightConnection } from './insight.type';

@Resolver(() => Insight)
export class InsightResolver {
  @Authorized('reader')
  @Query(() => Insight, { nullable: true })
  insight(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Insight | null> {
    return ctx.loaders.insight.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => InsightConnection)
  insights(
    @Args() { first, after }: ConnectionArgs,
    @Arg('minScore', () => Float, { nullable: true }) minScore: number | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Insight>> {
    return listInsights(ctx.db, { first, after, minScore });
  }

  @FieldResolver(() => ContentPlanConnection)
  contentPlans(@Root() insight: Insight, @Args() { first, after }: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<ContentPlan>> {
    return ctx.loaders.plansByInsight.load({
      parentId: Number(insight.id),
      first: checkFirst(first),
      after: checkCursor(decodeCursor(after), CHILD_SPECS.plansByInsight.order),
    });
  }
}
