import { Ctx, FieldResolver, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import { CommunityUser } from '../community-user/community-user.type';
import { PublishedContent } from '../published-content/published-content.type';
import { UserInteraction } from './user-interaction.type';

@Resolver(() => UserInteraction)
export class UserInteractionResolver {
  @FieldResolver(() => CommunityUser, { description: 'The community user who acted.' })
  user(@Parent() interaction: UserInteraction, @Ctx() ctx: Context): Promise<CommunityUser | null> {
    return ctx.loaders.communityUser.load(interaction.userId);
  }

  @FieldResolver(() => PublishedContent, { nullable: true, description: 'The published content acted on; null for none.' })
  content(@Parent() interaction: UserInteraction, @Ctx() ctx: Context): Promise<PublishedContent | null> | null {
    return interaction.contentId === null ? null : ctx.loaders.content.load(interaction.contentId);
  }
}
