import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, Ctx, FieldResolver, Info, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { ConnectionArgs, IdArgs, pageArgs } from '../../graphql/args';
import { connectionNodeFields, readsCursors } from '../../graphql/selection';
import { entityId } from '../../graphql/validators';
import { joinedOrLoad } from '../../loaders';
import { CHILD_SPECS } from '../../loaders/specs';
import { ContentPlan } from '../content-plan/content-plan.type';
import { UserInteraction, UserInteractionConnection } from '../user-interaction/user-interaction.type';
import { ContentsArgs } from './published-content.inputs';
import { JOINED_PLAN, listContents } from './published-content.service';
import { PublishedContent, PublishedContentConnection } from './published-content.type';

@Resolver(() => PublishedContent)
export class PublishedContentResolver {
  @Authorized('reader')
  @Query(() => PublishedContent, { nullable: true, description: 'The published content with this id; null when there is none.' })
  content(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<PublishedContent | null> {
    return ctx.loaders.content.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => PublishedContentConnection, { description: 'Published content, in orderBy order (default newest publishedAt first).' })
  contents(@Args() args: ContentsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Page<PublishedContent>> {
    // Only the columns asked for; the plan and its insight, when selected, come with the page's
    // statement (one statement, not three).
    return listContents(ctx.db, args, { nodes: connectionNodeFields(info), join: ctx.loaders.batch, cursors: readsCursors(info) });
  }

  @FieldResolver(() => ContentPlan, { description: 'The content plan this content was published from.' })
  contentPlan(@Parent() content: PublishedContent, @Ctx() ctx: Context): ContentPlan | null | Promise<ContentPlan | null> {
    return joinedOrLoad(content, JOINED_PLAN, () => ctx.loaders.contentPlan, content.contentPlanId);
  }

  @FieldResolver(() => UserInteractionConnection, { description: 'The interactions with this content, newest timestamp first.' })
  interactions(@Parent() content: PublishedContent, @Args() args: ConnectionArgs, @Ctx() ctx: Context): Promise<Page<UserInteraction>> {
    return ctx.loaders.interactionsByContent.load({
      parentId: Number(content.id),
      ...pageArgs(args, CHILD_SPECS.interactionsByContent.order),
    });
  }
}
