import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { PublishContentArgs, UpdateContentMetricsArgs } from './published-content.inputs';
import { PublishedContent } from './published-content.type';
import { publishContent, updateContentMetrics } from './published-content.write-service';

@Resolver()
export class PublishedContentMutations {
  @Authorized('writer')
  @Mutation(() => PublishedContent, { description: 'Records a content plan as published and marks the plan PUBLISHED.' })
  publishContent(@Args() { input }: PublishContentArgs, @Ctx() ctx: Context): Promise<PublishedContent> {
    return publishContent(ctx.db, input);
  }

  @Authorized('writer')
  @Mutation(() => PublishedContent, { description: 'Stores the metrics a platform reports for a published content.' })
  updateContentMetrics(@Args() { input }: UpdateContentMetricsArgs, @Ctx() ctx: Context): Promise<PublishedContent> {
    return updateContentMetrics(ctx.db, input);
  }
}
