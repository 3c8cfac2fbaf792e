import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { validateInput } from '../../graphql/validate-input';
import { PublishContentInput, UpdateContentMetricsInput } from './published-content.inputs';
import { PublishedContent } from './published-content.type';
import { publishContent, updateContentMetrics } from './published-content.write-service';

@Resolver()
export class PublishedContentMutations {
  @Authorized('writer')
  @Mutation(() => PublishedContent)
  async publishContent(
    @Arg('input', () => PublishContentInput, { validateFn: validateInput('input') }) input: PublishContentInput,
    @Ctx() ctx: Context,
  ): Promise<PublishedContent> {
    const content = await publishContent(ctx.db, input);
    ctx.loaders.reset(); // contentPlan { status } must read PUBLISHED
    return content;
  }

  @Authorized('writer')
  @Mutation(() => PublishedContent)
  async updateContentMetrics(
    @Arg('input', () => UpdateContentMetricsInput, { validateFn: validateInput('input') }) input: UpdateContentMetricsInput,
    @Ctx() ctx: Context,
  ): Promise<PublishedContent> {
    const content = await updateContentMetrics(ctx.db, input);
    ctx.loaders.reset();
    return content;
  }
}
