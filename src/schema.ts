import 'reflect-metadata';
import { GraphQLInterfaceType, GraphQLSchema } from 'graphql';
import { buildSchema, emitSchemaDefinitionFile, NonEmptyArray, PubSub } from 'type-graphql';
import { authChecker } from './graphql/auth';
import { LiveHub, wrapSubscriptionFields } from './graphql/live-hub';
import { wrapMutationFields } from './graphql/mutation-operation';
import { resolveTotalCounts } from './graphql/connection';
import { directFieldResolvers } from './graphql/direct-resolvers';
import { nodeTypeOf } from './graphql/node';
import { DateTimeScalar } from './graphql/scalars';
import { validateArgs } from './graphql/validation';
// type-graphql lists fields in the order their classes load: these imports set the order of schema.graphql.
import { AgentsResolver } from './agents/agents.resolver';
import { PerformanceSnapshotResolver } from './modules/performance-snapshot/performance-snapshot.resolver';
import { StrategyResolver } from './modules/strategy/strategy.resolver';
import { AnalyticsResolver, ContentBreakdownRowResolver } from './modules/analytics/analytics.resolver';
import { AgentRunResolver } from './modules/agent-run/agent-run.resolver';
import { CommunityUserResolver } from './modules/community-user/community-user.resolver';
import { ContentPlanResolver } from './modules/content-plan/content-plan.resolver';
import { InsightResolver } from './modules/insight/insight.resolver';
import { PublishedContentResolver } from './modules/published-content/published-content.resolver';
import { UserInteractionResolver } from './modules/user-interaction/user-interaction.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { AgentRunMutations } from './modules/agent-run/agent-run.mutations';
import { CommunityUserMutations } from './modules/community-user/community-user.mutations';
import { ContentPlanMutations } from './modules/content-plan/content-plan.mutations';
import { InsightMutations } from './modules/insight/insight.mutations';
import { PublishedContentMutations } from './modules/published-content/published-content.mutations';
import { UserInteractionMutations } from './modules/user-interaction/user-interaction.mutations';
import { AgentRunSubscriptions } from './modules/agent-run/agent-run.subscriptions';
import { CommunityUserSubscriptions } from './modules/community-user/community-user.subscriptions';
import { PerformanceSnapshotSubscriptions } from './modules/performance-snapshot/performance-snapshot.subscriptions';

export const SCHEMA_FILE = 'schema.graphql';

/** Every resolver class of the API. */
const RESOLVERS: NonEmptyArray<Function> = [
  // Reads: entities, their relations and connections
  InsightResolver,
  ContentPlanResolver,
  PublishedContentResolver,
  CommunityUserResolver,
  UserInteractionResolver,
  AgentRunResolver,
  NodeResolver,
  // Writes: the ingest mutations (writer role)
  InsightMutations,
  ContentPlanMutations,
  PublishedContentMutations,
  CommunityUserMutations,
  UserInteractionMutations,
  AgentRunMutations,
  // Agents: the four agent mutations and what they produce
  AgentsResolver,
  PerformanceSnapshotResolver,
  StrategyResolver,
  // Analytics: the aggregate reads
  AnalyticsResolver,
  ContentBreakdownRowResolver,
  // Live updates over WebSocket (src/http/websocket.ts), fed by src/live.ts
  AgentRunSubscriptions,
  CommunityUserSubscriptions,
  PerformanceSnapshotSubscriptions,
];

/** type-graphql has no option for the root types' descriptions: they are set on the built schema, before it is emitted. */
const ROOT_DESCRIPTIONS = {
  Query: "The reads: entities by id, their connections, the agents' results and the analytics aggregates (reader role).",
  Mutation: 'The writes: ingest of entities (writer role) and the four agent runs (admin role).',
  Subscription:
    'Live updates over WebSocket (graphql-ws protocol on the same /graphql URL), committed changes from every server instance (reader role).',
};

/** `pubSub`: where the Subscription fields take their events (the server's LiveHub, src/live.ts); none for emitting the schema. */
export async function buildAppSchema(opts: { emitTo?: string; pubSub?: PubSub } = {}): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: RESOLVERS,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker,
    validateFn: validateArgs,
    pubSub: opts.pubSub ?? new LiveHub(),
  });
  // type-graphql lists the Node interface's implementations ahead of Query; every one of them is
  // reachable from Query, so without that list the types come in the order the root fields use them.
  const schema = new GraphQLSchema({ ...built.toConfig(), types: [] });
  schema.getQueryType()!.description = ROOT_DESCRIPTIONS.Query;
  schema.getMutationType()!.description = ROOT_DESCRIPTIONS.Mutation;
  schema.getSubscriptionType()!.description = ROOT_DESCRIPTIONS.Subscription;
  if (opts.emitTo) await emitSchemaDefinitionFile(opts.emitTo, schema, { sortedSchema: false });
  // type-graphql wraps every resolveType in an async function; graphql-jit (src/graphql/compiled-execution.ts)
  // needs the type's name at once, which the function itself gives.
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = nodeTypeOf;
  return wrapSubscriptionFields(wrapMutationFields(resolveTotalCounts(directFieldResolvers(schema, RESOLVERS))));
}
