import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import { checkFirst, Page } from '../../graphql/connection';
import { CommunityUserOrderField, SortDirection } from '../../graphql/enums';
import { parseId } from '../../graphql/ids';
import { checkCursor, decodeCursor } from '../../graphql/keyset';
import { DateTimeScalar } from '../../graphql/scalars';
import { CHILD_SPECS } from '../../loaders/specs';
import { UserInteraction, UserInteractionConnection } from '../user-interaction/user-interaction.type';
import { CommunityUserFilter, CommunityUserOrder } from './community-user.inputs';
import { listCommunityUsers } from './community-user.service';
import { CommunityUser, CommunityUserConnection } from './community-user.type';

@Resolver(() => CommunityUser)
export class CommunityUserResolver {
  @Authorized('reader')
  @Query(() => CommunityUser, { nullable: true })
  communityUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CommunityUser | null> {
    return ctx.loaders.communityUser.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => CommunityUserConnection)
  communityUsers(
    @Args() { first, after }: ConnectionArgs,
    @Arg('filter', () => CommunityUserFilter, { nullable: true }) filter: CommunityUserFilter | null,
    @Arg('orderBy', () => CommunityUserOrder, {
      nullable: true,
      defaultValue: { field: CommunityUserOrderField.ENGAGEMENT_SCORE, direction: SortDirection.DESC },
    })
    orderBy: CommunityUserOrder,
    @Ctx() ctx: Context,
  ): Promise<Page<CommunityUser>> {
    return listCommunityUsers(ctx.db, { first, after, filter, orderBy });
  }

  @FieldResolver(() => UserInteractionConnection, { description: 'Newest first.' })
  interactions(
    @Root() user: CommunityUser,
    @Args() { first, after }: ConnectionArgs,
    @Arg('since', () => DateTimeScalar, { nullable: true }) since: Date | null,
    @Ctx() ctx: Context,
  ): Promise<Page<UserInteraction>> {
    return ctx.loaders.interactionsByUser.load({
      parentId: Number(user.id),
      first: checkFirst(first),
      after: checkCursor(decodeCursor(after), CHILD_SPECS.interactionsByUser.order),
      since: since ?? null,
    });
  }
}
