import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { recomputeTrigger } from '../../db/sql/conversion-trigger';
import type { Context } from '../../context';
import { RecordInteractionsArgs } from './user-interaction.inputs';
import { RecordInteractionsResult } from './user-interaction.results';
import { recordInteractions } from './user-interaction.write-service';

@Resolver()
export class UserInteractionMutations {
  @Authorized('writer')
  @Mutation(() => RecordInteractionsResult, { description: 'Records 1..5000 interactions in one statement: all or none.' })
  recordInteractions(@Args() { input }: RecordInteractionsArgs, @Ctx() ctx: Context): Promise<RecordInteractionsResult> {
    return recordInteractions(ctx.db, input, recomputeTrigger(ctx.config));
  }
}
