import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { recomputeTrigger } from '../../db/sql/conversion-trigger';
import type { Context } from '../../context';
import { PlainArgs } from '../../graphql/direct-resolvers';
import { RecordInteractionColumnsArgs, RecordInteractionInput, RecordInteractionsArgs } from './user-interaction.inputs';
import { RecordInteractionsResult } from './user-interaction.results';
import { recordInteractions } from './user-interaction.write-service';

@Resolver()
export class UserInteractionMutations {
  @Authorized('writer')
  @Mutation(() => RecordInteractionsResult, { description: 'Records 1..5000 interactions in one statement: all or none.' })
  // The 5,000 items as GraphQL coerced them, not copied into RecordInteractionInput instances (src/graphql/direct-resolvers.ts).
  @PlainArgs()
  recordInteractions(@Args() { input }: RecordInteractionsArgs, @Ctx() ctx: Context): Promise<RecordInteractionsResult> {
    return recordInteractions(ctx.db, input, recomputeTrigger(ctx.config));
  }

  @Authorized('writer')
  @Mutation(() => RecordInteractionsResult, {
    description: 'Records 1..5000 interactions given as parallel lists in one statement: all or none (recordInteractions, compact).',
  })
  recordInteractionColumns(@Args() { input }: RecordInteractionColumnsArgs, @Ctx() ctx: Context): Promise<RecordInteractionsResult> {
    const { userIds, types, contentIds, timestamps } = input;
    const items = userIds.map(
      (userId, i) =>
        ({ userId, type: types[i], contentId: contentIds?.[i] ?? null, timestamp: timestamps?.[i] ?? null }) as RecordInteractionInput,
    );
    return recordInteractions(ctx.db, items, recomputeTrigger(ctx.config), (i, field) => `input.${field}s[${i}]`);
  }
}
