import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { RecordInteractionInput } from './user-interaction.inputs';
import { RecordInteractionsResult } from './user-interaction.results';
import { recordInteractions } from './user-interaction.write-service';

@Resolver()
export class UserInteractionMutations {
  /** Items carry no class-validator rules: the service checks all ids in one pass (validate: false). */
  @Authorized('writer')
  @Mutation(() => RecordInteractionsResult)
  async recordInteractions(
    @Arg('input', () => [RecordInteractionInput], { validate: false }) input: RecordInteractionInput[],
    @Ctx() ctx: Context,
  ): Promise<RecordInteractionsResult> {
    const result = await recordInteractions(ctx.db, input);
    ctx.loaders.reset();
    return result;
  }
}
