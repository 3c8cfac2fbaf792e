import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { CreateInsightArgs } from './insight.inputs';
import { Insight } from './insight.type';
import { createInsight } from './insight.write-service';

@Resolver()
export class InsightMutations {
  @Authorized('writer')
  @Mutation(() => Insight, { description: 'Creates an insight.' })
  createInsight(@Args() { input }: CreateInsightArgs, @Ctx() ctx: Context): Promise<Insight> {
    return createInsight(ctx.db, input);
  }
}
