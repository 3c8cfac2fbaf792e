/**
 * Relay object identification (docs/api.md "Global ids"): Query.node and Query.nodes load any entity
 * by its nodeId through the request's by-id DataLoaders, so `nodes` runs one statement per type
 * however many ids it names; `nodeId` of every implementation resolves here.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, Ctx, FieldResolver, ID, Info, Query, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import type { Context } from '../../context';
import { fromGlobalId, Node, NodeType, TaggedNode, toGlobalId } from '../../graphql/node';
import { NodeArgs, NodesArgs } from './node.inputs';

/** The by-id loader (src/loaders/index.ts) of each Node type. */
const LOADER_OF = {
  Insight: 'insight',
  ContentPlan: 'contentPlan',
  PublishedContent: 'content',
  CommunityUser: 'communityUser',
  UserInteraction: 'interaction',
  AgentRun: 'agentRun',
  PerformanceSnapshot: 'performanceSnapshot',
  Strategy: 'strategy',
} as const satisfies Record<NodeType, keyof Context['loaders']>;

/** The row a (validated) nodeId names, tagged with its type; null when it is gone. */
async function loadNode(ctx: Context, raw: string): Promise<TaggedNode | null> {
  const { type, id } = fromGlobalId(raw)!;
  const row = (await ctx.loaders[LOADER_OF[type]].load(id)) as object | null;
  return row && { ...row, __typename: type };
}

@Resolver(() => Node)
export class NodeResolver {
  @Authorized('reader')
  @Query(() => Node, { nullable: true, description: 'The object with this nodeId, of any Node type; null when its row does not exist.' })
  node(@Args() { id }: NodeArgs, @Ctx() ctx: Context): Promise<TaggedNode | null> {
    return loadNode(ctx, id);
  }

  @Authorized('reader')
  @Query(() => [Node], {
    nullable: 'items',
    description: 'The objects with these nodeIds, in the order asked, null in place of one whose row does not exist.',
  })
  nodes(@Args() { ids }: NodesArgs, @Ctx() ctx: Context): Promise<(TaggedNode | null)[]> {
    return Promise.all(ids.map((id) => loadNode(ctx, id)));
  }

  @FieldResolver(() => ID)
  nodeId(@Parent() row: { id: string }, @Info() info: GraphQLResolveInfo): string {
    return toGlobalId(info.parentType.name as NodeType, row.id);
  }
}
