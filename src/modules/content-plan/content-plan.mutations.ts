import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { CreateContentPlanArgs } from './content-plan.inputs';
import { ContentPlan } from './content-plan.type';
import { createContentPlan } from './content-plan.write-service';

@Resolver()
export class ContentPlanMutations {
  @Authorized('writer')
  @Mutation(() => ContentPlan, { description: 'Creates a content plan.' })
  createContentPlan(@Args() { input }: CreateContentPlanArgs, @Ctx() ctx: Context): Promise<ContentPlan> {
    return createContentPlan(ctx.db, input);
  }
}
