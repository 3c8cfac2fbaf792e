/**
 * Abuse limits (api.md "Abuse limits"): depth and aliases as validation rules
 * (graphql-armor), cost in didResolveOperation (graphql-query-complexity), because a list's cost
 * depends on `first`, which may come from a variable that validation never sees. Every refusal is
 * GRAPHQL_VALIDATION_FAILED with a message that names the limit, its value and its env variable.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { DocumentNode, GraphQLError, GraphQLSchema, ValidationContext, ValidationRule } from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { MAX_FIRST } from './connection';

type Limits = Pick<Config, 'maxDepth' | 'maxAliases' | 'maxCost'>;

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

export function limitRules(config: Limits): ValidationRule[] {
  return [
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
 * A field with a `first` argument returns up to `first` items: it costs 1 + first x its children.
 * `first` outside 0..100 is clamped here; the resolver refuses it with BAD_USER_INPUT, as the
 * contract says, before any child is resolved.
 */
export const firstArgumentEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const first = typeof args.first === 'number' && Number.isFinite(args.first) ? Math.min(Math.max(args.first, 0), MAX_FIRST) : MAX_FIRST;
  return 1 + first * childComplexity;
};

/**
 * Introspection reads the in-memory schema, not the database, and its nesting is already bounded by
 * graphql-js's MaxIntrospectionDepthRule (part of specifiedRules since 16.9): it costs nothing here,
 * as it is exempt from the depth limit, so that GraphiQL and codegen keep working under tight limits.
 */
const introspectionEstimator: ComplexityEstimator = ({ field }) => (field.name === '__schema' || field.name === '__type' ? 0 : undefined);

const ESTIMATORS = [introspectionEstimator, firstArgumentEstimator, simpleEstimator({ defaultComplexity: 1 })];

export function queryCost(args: { schema: GraphQLSchema; query: DocumentNode; variables?: Record<string, unknown>; operationName?: string }): number {
  return getComplexity({ ...args, estimators: ESTIMATORS });
}

const validationFailed = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/**
 * Costs already computed, per parsed document (Apollo hands back the same DocumentNode for the same
 * query text) and per operation name + variables: a dashboard repeats the same few requests, and
 * walking the document for each of them was ~4% of a nested read's CPU.
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

/** The operations of one HTTP request (a batch) share the limit: src/context.ts's requestCost sums their costs. */
interface CostContext {
  requestCost: { total: number };
}

export function costLimitPlugin(config: Limits): ApolloServerPlugin<CostContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName, contextValue }) {
          let cost: number;
          try {
            const variables = request.variables ?? {};
            cost = cachedCost(document, `${operationName ?? ''}|${JSON.stringify(variables)}`, () =>
              queryCost({ schema, query: document, variables, operationName: operationName ?? undefined }));
          } catch (err) {
            if (/maximum allowed number of nodes/.test((err as Error).message)) {
              throw validationFailed(`Query is too large to estimate its cost (${(err as Error).message})`);
            }
            // Variables that do not coerce: execution refuses them with BAD_USER_INPUT, before any resolver.
            return;
          }
          if (cost > config.maxCost) {
            throw validationFailed(
              `Query cost limit of ${config.maxCost} exceeded, found ${cost} (MAX_QUERY_COST; a list field costs first x its selection).`,
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
