import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { validateInput } from '../../graphql/validate-input';
import { CreateInsightInput } from './insight.inputs';
import { Insight } from './insight.type';
import { createInsight } from './insight.write-service';

@Resolver()
export class InsightMutations {
  @Authorized('writer')
  @Mutation(() => Insight)
  async createInsight(@Arg('input', () => CreateInsightInput, { validateFn: validateInput('input') }) input: CreateInsightInput, @Ctx() ctx: Context): Promise<Insight> {
    const insight = await createInsight(ctx.db, input);
    ctx.loaders.reset();
    return insight;
  }
}
