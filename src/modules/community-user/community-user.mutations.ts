import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { validateInput } from '../../graphql/validate-input';
import { UpsertCommunityUserInput } from './community-user.inputs';
import { CommunityUser } from './community-user.type';
import { upsertCommunityUser } from './community-user.write-service';

@Resolver()
export class CommunityUserMutations {
  @Authorized('writer')
  @Mutation(() => CommunityUser)
  async upsertCommunityUser(
    @Arg('input', () => UpsertCommunityUserInput, { validateFn: validateInput('input') }) input: UpsertCommunityUserInput,
    @Ctx() ctx: Context,
  ): Promise<CommunityUser> {
    const user = await upsertCommunityUser(ctx.db, input);
    ctx.loaders.reset();
    return user;
  }
}
