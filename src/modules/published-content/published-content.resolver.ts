import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import { checkFirst, Page } from '../../graphql/connection';
import { ContentOrderField, SortDirection } from '../../graphql/enums';
import { parseId } from '../../graphql/ids';
import { checkCursor, decodeCursor } from '../../graphql/keyset';
import { CHILD_SPECS } from '../../loaders/specs';
import { ContentPlan } from '../content-plan/content-plan.type';
import { UserInteraction, UserInteractionConnection } from '../user-interaction/user-interaction.type';
import { ContentFilter, ContentOrder } from './published-content.inputs';
import { listContents } from './published-content.service';
import { PublishedContent, PublishedContentConnection } from './published-content.type';

@Resolver(() => PublishedContent)
export class PublishedContentResolver {
  @Authorized('reader')
  @Query(() => PublishedContent, { nullable: true })
  content(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PublishedContent | null> {
    return ctx.loaders.content.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => PublishedContentConnection)
  contents(
    @Args() { first, after }: ConnectionArgs,
    @Arg('filter', () => ContentFilter, { nullable: true }) filter: ContentFilter | null,
    @Arg('orderBy', () => ContentOrder, {
      nullable: true,
      defaultValue: { field: ContentOrderField.PUBLISHED_AT, direction: SortDirection.DESC },
    })
    orderBy: ContentOrder,
    @Ctx() ctx: Context,
  ): Promise<Page<PublishedContent>> {
    return listContents(ctx.db, { first, after, filter, orderBy });
  }

  @FieldResolver(() => ContentPlan)
  contentPlan(@Root() content: PublishedContent, @Ctx() ctx: Context): Promise<ContentPlan | null> {
    return ctx.loaders.contentPlan.load(content.contentPlanId);
  }

  @FieldResolver(() => UserInteractionConnection, { description: 'Newest first.' })
  interactions(@Root() content: PublishedContent, @Args() { first, after }: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<UserInteraction>> {
    return ctx.loaders.interactionsByContent.load({
      parentId: Number(content.id),
      first: checkFirst(first),
      after: checkCursor(decodeCursor(after), CHILD_SPECS.interactionsByContent.order),
    });
  }
}
