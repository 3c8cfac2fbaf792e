import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { recomputeTrigger } from '../../db/sql/conversion-trigger';
import type { Context } from '../../context';
import { UpsertCommunityUserArgs } from './community-user.inputs';
import { CommunityUser } from './community-user.type';
import { upsertCommunityUser } from './community-user.write-service';

@Resolver()
export class CommunityUserMutations {
  @Authorized('writer')
  @Mutation(() => CommunityUser, { description: 'Creates a community user, or updates the one with the same handle and platform.' })
  upsertCommunityUser(@Args() { input }: UpsertCommunityUserArgs, @Ctx() ctx: Context): Promise<CommunityUser> {
    return upsertCommunityUser(ctx.db, input, recomputeTrigger(ctx.config));
  }
}
