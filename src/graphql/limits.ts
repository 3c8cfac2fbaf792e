/**
 * Abuse limits (docs/api.md "Abuse limits"): fields, depth and aliases as validation rules (the
 * latter two from graphql-armor), cost in didResolveOperation (graphql-query-complexity), because a
 * list's cost depends on `first`, which may come from a variable that validation never sees. Every
 * refusal is GRAPHQL_VALIDATION_FAILED with a message that names the limit, its value and its env variable.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  ASTNode,
  DocumentNode,
  getNamedType,
  GraphQLError,
  GraphQLSchema,
  isInputObjectType,
  Kind,
  OperationDefinitionNode,
  typeFromAST,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { MAX_BUCKETS } from '../modules/analytics/engagement-time-series.service';
import { MAX_FIRST } from './connection';
import { TIER_ORDER, TimeBucket } from './enums';

type Limits = Pick<Config, 'maxFields' | 'maxDepth' | 'maxAliases' | 'maxCost'>;

/** armor's message starts with "Syntax Error:", which this is not; report it as a plain validation error. */
const reportAs = (envName: string) => (context: ValidationContext | null, err: GraphQLError) => {
  const refusal = new GraphQLError(`${err.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${envName}).`);
  if (!context) throw refusal;
  context.reportError(refusal);
};

/**
 * graphql-js 16 validates `subscription { ... }` against a schema without a Subscription type and
 * only fails while executing (an internal error); refuse it as the validation error it is.
 */
export const knownOperationTypeRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This API has no ${node.operation} operations.`, { nodes: node }));
    }
  },
});

/** HTTP answers queries and mutations; a subscription needs the WebSocket endpoint (src/http/websocket.ts), which says so. */
export const subscriptionsOverWebSocketRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') return;
    context.reportError(
      new GraphQLError(
        'Subscriptions run over WebSocket with the graphql-ws protocol (subprotocol graphql-transport-ws) on this same URL ' +
          '(ws:// or wss://.../graphql); HTTP answers queries and mutations only.',
        { nodes: node },
      ),
    );
  },
});

/** Fields, fragment spreads and inline fragments in the document: each definition once, so linear. */
export function countSelections(document: DocumentNode): number {
  let found = 0;
  const stack: ASTNode[] = [...document.definitions];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.kind === Kind.FIELD || node.kind === Kind.FRAGMENT_SPREAD || node.kind === Kind.INLINE_FRAGMENT) found += 1;
    if ('selectionSet' in node && node.selectionSet) stack.push(...node.selectionSet.selections);
  }
  return found;
}

/**
 * graphql's OverlappingFieldsCanBeMergedRule compares every pair of same-named fields: n repeated
 * fields cost n^2 (1,100 of them: over 100 ms of CPU per request, before auth). This rule counts
 * selections when validation enters the document and, over the limit, returns null: a visitor that
 * returns null removes its node, and graphql's visitInParallel then shows it to no later visitor, so
 * no rule walks the selections. Only specifiedRules' own Document visitors (cheap) run before it.
 */
export function maxFieldsRule(max: number): ValidationRule {
  return (context) => ({
    Document(node) {
      const found = countSelections(node);
      if (found <= max) return undefined;
      context.reportError(
        new GraphQLError(`Query field limit of ${max} exceeded, found ${found} fields and fragment spreads (MAX_QUERY_FIELDS).`),
      );
      return null;
    },
  });
}

export function limitRules(config: Limits): ValidationRule[] {
  return [
    maxFieldsRule(config.maxFields), // first: the rules after it never see a document over the limit
    knownOperationTypeRule,
    maxDepthRule({
      n: config.maxDepth,
      // Depth of fields, whether they sit in fragments or not; the introspection query is exempt
      // (its type references nest deeper than any data query needs to).
      flattenFragments: true,
      ignoreIntrospection: true,
      propagateOnRejection: false, // a throw inside graphql's validate() would become a 500
      onReject: [reportAs('MAX_QUERY_DEPTH')],
    }) as unknown as ValidationRule,
    maxAliasesRule({
      n: config.maxAliases,
      propagateOnRejection: false,
      onReject: [reportAs('MAX_QUERY_ALIASES')],
    }) as unknown as ValidationRule,
  ];
}

/**
 * A field with a `first` argument returns up to `first` items (a connection paging backwards: `last`
 * items; Query.nodes: one per id): it costs 1 + that number x its children. Outside 0..100 it is
 * clamped here; the resolver refuses it with BAD_USER_INPUT, as the contract says, before any child is resolved.
 */
export const firstArgumentEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (Array.isArray(args.ids)) return 1 + Math.min(args.ids.length, MAX_FIRST) * childComplexity;
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const rows = args.last !== null && args.last !== undefined ? { first: args.last } : args;
  return 1 + firstOf(rows) * childComplexity;
};

/**
 * Introspection reads the in-memory schema, not the database, and its nesting is already bounded by
 * graphql-js's MaxIntrospectionDepthRule (part of specifiedRules since 16.9): it costs nothing here,
 * as it is exempt from the depth limit, so that GraphiQL and codegen keep working under tight limits.
 */
const introspectionEstimator: ComplexityEstimator = ({ field }) => (field.name === '__schema' || field.name === '__type' ? 0 : undefined);

/**
 * An aggregate scans its table (content, users or runs) whatever the size of its answer, so it costs
 * a scan plus its rows x their selection; so does an agent run, a transaction of whole-table
 * statements. A scan costs as much as 1,000 rows: MAX_QUERY_COST (20000) allows a dashboard's few
 * aggregates but not 20 of them. The estimate cannot know what the result cache will answer; the
 * per-request cap on computed aggregates (MAX_AGGREGATES_PER_REQUEST, src/cache) can.
 */
export const SCAN_COST = 1000;

const HOUR_MS = 3_600_000;
/** The shortest length of each bucket (a 28-day month), so that the count is never underestimated. */
const BUCKET_MS: Record<TimeBucket, number> = {
  [TimeBucket.HOUR]: HOUR_MS,
  [TimeBucket.DAY]: 24 * HOUR_MS,
  [TimeBucket.WEEK]: 7 * 24 * HOUR_MS,
  [TimeBucket.MONTH]: 28 * 24 * HOUR_MS,
};

/** engagementTimeSeries' answer: one point per bucket from `from` to `to`; the service refuses over MAX_BUCKETS. */
export function bucketCount(args: { bucket?: TimeBucket; from?: unknown; to?: unknown }): number {
  const span = args.from instanceof Date && args.to instanceof Date ? args.to.getTime() - args.from.getTime() : NaN;
  const unit = args.bucket ? BUCKET_MS[args.bucket] : undefined;
  if (!unit || !(span > 0)) return 1;
  // +1: a span that does not start on a bucket boundary touches one bucket more (time zones shift it).
  return Math.min(Math.ceil(span / unit) + 1, MAX_BUCKETS);
}

const firstOf = (args: Record<string, unknown>) =>
  typeof args.first === 'number' && Number.isFinite(args.first) ? Math.min(Math.max(args.first, 0), MAX_FIRST) : MAX_FIRST;

/** Rows of each aggregate's answer, by field name; agentPerformance: one per agent name that ran, the four agents and a few more. */
const AGGREGATE_ROWS: Record<string, (args: Record<string, unknown>) => number> = {
  engagementTimeSeries: bucketCount,
  contentBreakdown: firstOf,
  bestPostingTimes: firstOf,
  tierDistribution: () => TIER_ORDER.length,
  agentPerformance: () => 10,
};
/** The agent mutations: each runs alone in its operation (src/graphql/mutation-operation.ts). */
export const AGENT_MUTATIONS = new Set([
  'recomputeEngagementScores',
  'createPerformanceSnapshot',
  'tuneStrategy',
  'analyzeAgentPerformance',
]);

export const aggregateEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name === 'Query' && AGGREGATE_ROWS[field.name]) return SCAN_COST + AGGREGATE_ROWS[field.name](args) * childComplexity;
  if (type.name === 'Mutation' && AGENT_MUTATIONS.has(field.name)) return SCAN_COST + childComplexity;
  return undefined;
};

const ESTIMATORS = [introspectionEstimator, aggregateEstimator, firstArgumentEstimator, simpleEstimator({ defaultComplexity: 1 })];

export function queryCost(args: {
  schema: GraphQLSchema;
  query: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string;
}): number {
  return getComplexity({ ...args, estimators: ESTIMATORS });
}

export const validationFailed = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/**
 * Costs already computed, per parsed document (Apollo hands back the same DocumentNode for the same
 * query text) and per operation name + the variables the cost can depend on: a dashboard repeats
 * the same few requests, and walking the document for each of them was ~4% of a nested read's CPU.
 */
const knownCosts = new WeakMap<DocumentNode, Map<string, number>>();
const KNOWN_PER_DOCUMENT = 256;

function cachedCost(document: DocumentNode, key: string, compute: () => number): number {
  let byKey = knownCosts.get(document);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const cost = compute();
  if (!byKey) knownCosts.set(document, (byKey = new Map()));
  if (byKey.size >= KNOWN_PER_DOCUMENT) byKey.clear();
  byKey.set(key, cost);
  return cost;
}

/**
 * The variables a cost can depend on: all but those of an input object type (or a list of them).
 * The estimators read `first`, `last`, `ids`, `bucket`, `from` and `to` and @skip/@include read
 * Booleans, never a field of an input object; leaving those out of the key spares a write its
 * second coercion and serialisation of every item (recordInteractions' 5,000 objects: ~12% of the
 * mutation's server CPU). Input objects that do not coerce are refused by execution anyway.
 */
function costVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of operation?.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never);
    if (type && isInputObjectType(getNamedType(type))) continue;
    if (Object.hasOwn(variables, name)) out[name] = variables[name];
  }
  return out;
}

/** The operations of one HTTP request (a batch) share the limit: src/context.ts's requestCost sums their costs. */
interface CostContext {
  requestCost: { total: number };
}

export function costLimitPlugin(config: Limits): ApolloServerPlugin<CostContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation, operationName, contextValue }) {
          let cost: number;
          try {
            const variables = request.variables ?? {};
            const key = `${operationName ?? ''}|${JSON.stringify(costVariables(schema, operation, variables))}`;
            cost = cachedCost(document, key, () =>
              queryCost({ schema, query: document, variables, operationName: operationName ?? undefined }),
            );
          } catch (err) {
            if (/maximum allowed number of nodes/.test((err as Error).message)) {
              throw validationFailed(`Query is too large to estimate its cost (${(err as Error).message})`);
            }
            // Variables that do not coerce: execution refuses them with BAD_USER_INPUT, before any resolver.
            return;
          }
          if (cost > config.maxCost) {
            throw validationFailed(
              `Query cost limit of ${config.maxCost} exceeded, found ${cost} (MAX_QUERY_COST; a list field costs first x its selection, ` +
                `an aggregate ${SCAN_COST} + its rows x their selection).`,
            );
          }

          const spent = contextValue.requestCost;
          if (spent.total + cost > config.maxCost) {
            throw validationFailed(
              `Query cost limit of ${config.maxCost} exceeded by this batch: this operation costs ${cost}, ` +
                `the ones before it ${spent.total} (MAX_QUERY_COST applies to the sum).`,
            );
          }
          spent.total += cost;
        },
      };
    },
  };
}
