import { Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { IdArgs, pageArgs } from '../../graphql/args';
import { entityId } from '../../graphql/validators';
import { CHILD_SPECS } from '../../loaders/specs';
import { UserInteraction, UserInteractionConnection } from '../user-interaction/user-interaction.type';
import { CommunityUsersArgs, UserInteractionsArgs } from './community-user.inputs';
import { listCommunityUsers } from './community-user.service';
import { CommunityUser, CommunityUserConnection } from './community-user.type';

@Resolver(() => CommunityUser)
export class CommunityUserResolver {
  @Authorized('reader')
  @Query(() => CommunityUser, { nullable: true, description: 'The community user with this id; null when there is none.' })
  communityUser(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<CommunityUser | null> {
    return ctx.loaders.communityUser.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => CommunityUserConnection, { description: 'Community users, in orderBy order (default highest engagementScore first).' })
  communityUsers(@Args() args: CommunityUsersArgs, @Ctx() ctx: Context): Promise<Page<CommunityUser>> {
    return listCommunityUsers(ctx.db, args);
  }

  @FieldResolver(() => UserInteractionConnection, { description: "The user's interactions, newest timestamp first." })
  interactions(@Parent() user: CommunityUser, @Args() args: UserInteractionsArgs, @Ctx() ctx: Context): Promise<Page<UserInteraction>> {
    return ctx.loaders.interactionsByUser.load({
      parentId: Number(user.id),
      ...pageArgs(args, CHILD_SPECS.interactionsByUser.order),
      since: args.since ?? null,
    });
  }
}
