/**
 * Queries and mutations over HTTP run through graphql-jit instead of graphql-js's `execute`
 * (docs/architecture.md "Execution"): each (document, operation name) is compiled once into a
 * function that walks the selection without graphql-js's per-field argument objects and result
 * maps, and kept in a bounded LRU. Apollo Server 5's only way to swap execution is its `gateway`
 * interface, whose `load()` hands it the schema and an executor; everything before execution
 * (parse, validation with the limits' rules, the plugins' didResolveOperation) and after it
 * (formatError, the plugins' willSendResponse) stays Apollo's. Subscriptions over WebSocket stay on
 * graphql-js (src/http/websocket.ts).
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, ExecutionResult, getVariableValues, GraphQLError, GraphQLSchema } from 'graphql';
import { compileQuery, CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context';

type Gateway = ApolloServerOptionsWithGateway<Context>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** What /metrics reads (src/http/observability.ts `watchCompiledOperations`). */
export interface CompiledOperations {
  /** Compiled operations held now. */
  size(): number;
  /** Compilations since start: a steady rise under a steady load means the LRU is too small. */
  compilations(): number;
}

export interface CompiledExecution {
  /** Apollo's `gateway` option. */
  gateway: Gateway;
  stats: CompiledOperations;
}

/** `maxOperations`: how many compiled (document, operation name) pairs are kept. */
export function compiledExecution(schema: GraphQLSchema, maxOperations: number): CompiledExecution {
  // Apollo's queryHash is the SHA-256 of the query text, which its document cache is keyed by too.
  const compiled = new LRUCache<string, CompiledQuery>({ max: maxOperations });
  let compilations = 0;

  const executor: Executor = async ({ document, operation, queryHash, request, context }) => {
    const key = `${queryHash}:${request.operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, document, request.operationName);
      // A document without the named operation (Apollo has already validated it): graphql-js's error.
      if (!isCompiledQuery(result)) return result;
      compilations += 1;
      query = result;
      compiled.set(key, query);
    }
    const variables = request.variables ?? {};
    const result = (await query.query(undefined, context, variables)) as ExecutionResult;
    if (!('data' in result)) {
      // Only variables that do not coerce leave `data` out. graphql-jit words (and checks) them its
      // own way: the answer is graphql-js's, word for word, and should graphql-js accept what
      // graphql-jit refused, graphql-js runs the operation.
      const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
      if (errors) return { errors };
      return execute({ schema, document, operationName: request.operationName, variableValues: variables, contextValue: context });
    }
    if (result.errors) result.errors = result.errors.map(asGraphQLJsError);
    return result;
  };

  const gateway: Gateway = {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      // The schema never changes after start: Apollo learns it once, here.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {
      compiled.clear();
    },
  };
  return { gateway, stats: { size: () => compiled.size, compilations: () => compilations } };
}

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: no `extensions` unless the thrown error
 * had some, no `nodes`. Apollo's formatting and ours expect graphql-js's, which this makes as
 * graphql-js's `locatedError` would: the thrown error's message and extensions, the field's
 * locations and path. An error of execution itself (a null in a non-null field) wraps a plain Error
 * with its message, as graphql-js's does.
 */
function asGraphQLJsError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? new Error(e.message) });
  (error as { locations: GraphQLError['locations'] }).locations = e.locations;
  return error;
}
