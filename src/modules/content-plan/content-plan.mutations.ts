import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { validateInput } from '../../graphql/validate-input';
import { CreateContentPlanInput } from './content-plan.inputs';
import { ContentPlan } from './content-plan.type';
import { createContentPlan } from './content-plan.write-service';

@Resolver()
export class ContentPlanMutations {
  @Authorized('writer')
  @Mutation(() => ContentPlan)
  async createContentPlan(
    @Arg('input', () => CreateContentPlanInput, { validateFn: validateInput('input') }) input: CreateContentPlanInput,
    @Ctx() ctx: Context,
  ): Promise<ContentPlan> {
    const plan = await createContentPlan(ctx.db, input);
    ctx.loaders.reset();
    return plan;
  }
}
