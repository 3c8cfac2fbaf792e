/** Builds the schema and the Apollo server, with every Apollo plugin of the app in one list. */
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { cacheInvalidationPlugin } from './cache/invalidation-plugin';
import type { GraphQLSchema } from 'graphql';
import type { Config } from './config';
import type { Context } from './context';
import { compiledExecution } from './graphql/compiled-execution';
import { makeFormatError } from './graphql/format-error';
import { introspectionPlugin } from './graphql/introspection';
import { jsonStatusPlugin } from './graphql/json-status';
import { costLimitPlugin, limitRules, subscriptionsOverWebSocketRule } from './graphql/limits';
import { mutationOperationPlugin } from './graphql/mutation-operation';
import { readReplicasPlugin } from './graphql/read-replicas';
import { publicCachePlugin } from './http/get-caching';
import type { Replicas } from './db/replicas';
import type { Observability } from './http/observability';
import type { Logger } from './logger';

export interface ServerDeps {
  config: Config;
  log: Logger;
  /** Its plugin names each request's operation and error codes for the request log and /metrics. */
  observability: Observability;
  /** The one schema of the server (src/schema.ts), shared with the WebSocket endpoint (src/http/websocket.ts). */
  schema: GraphQLSchema;
  /** DATABASE_REPLICA_URLS' replicas, which take the query operations; null: everything on the primary. */
  replicas: Replicas | null;
}

/** extensions.queryStats = { sqlQueries, sqlTimeMs, cacheHits, cacheMisses } on every response (QUERY_STATS=1). */
function queryStatsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !contextValue?.stats) return;
          const { stats, cache } = contextValue;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            queryStats: {
              sqlQueries: stats.sqlQueries,
              sqlTimeMs: Math.round(stats.sqlTimeMs * 1000) / 1000,
              cacheHits: cache.hits,
              cacheMisses: cache.misses,
            },
          };
        },
      };
    },
  };
}

/** Every Apollo plugin of the app. */
function plugins(
  { config, observability, replicas }: ServerDeps,
  formatError: ReturnType<typeof makeFormatError>,
): ApolloServerPlugin<Context>[] {
  return [
    // No landing page from Apollo (its pages load from CDNs): browsers get the offline GraphiQL
    // from src/http/graphiql.ts.
    ApolloServerPluginLandingPageDisabled(),
    introspectionPlugin(config),
    costLimitPlugin(config),
    // Its transaction ends in executionDidEnd, before any willSendResponse (the cache's invalidation below).
    mutationOperationPlugin(formatError),
    // Query operations onto a read replica; X-Min-LSN on the answers to writes (read-your-writes).
    readReplicasPlugin(replicas),
    jsonStatusPlugin(),
    publicCachePlugin(config),
    ...(config.queryStats ? [queryStatsPlugin()] : []),
    cacheInvalidationPlugin(),
    // No field sets HTTP cache hints (answers are cached server-side, src/cache); Apollo's default
    // cache-control plugin would still wrap every field resolver of every request.
    ApolloServerPluginCacheControlDisabled(),
    observability.plugin(),
  ];
}

/** The server's formatError (masks and logs unexpected errors), for HTTP and WebSocket answers alike. */
export function appFormatError(config: Config, log: Logger): ReturnType<typeof makeFormatError> {
  return makeFormatError({
    development: config.nodeEnv === 'development',
    log: (err, msg) => log.error({ err }, msg),
    connectionTimeoutMs: config.connectionTimeoutMs,
    statementTimeoutMs: config.readStatementTimeoutMs,
  });
}

/**
 * Compiled operations kept (src/graphql/compiled-execution.ts): a client sends a handful of
 * distinct documents, so this is room for many clients' at a few tens of KB each.
 */
const COMPILED_OPERATIONS = 1000;

export function createApolloServer(deps: ServerDeps): ApolloServer<Context> {
  const { config, log, schema, observability } = deps;
  const development = config.nodeEnv === 'development';
  const formatError = appFormatError(config, log);
  const { gateway, stats } = compiledExecution(schema, COMPILED_OPERATIONS);
  observability.watchCompiledOperations(stats);
  return new ApolloServer<Context>({
    // The schema comes from the gateway, with the executor that runs queries and mutations.
    gateway,
    // Who may introspect is INTROSPECTION's business (src/graphql/introspection.ts), per caller.
    introspection: true,
    // Apollo's CSRF check refuses a GET that lacks a preflight-forcing header, which is every GET of
    // urql and graphql-request. Not needed here: a POST must be application/json (src/http/body.ts,
    // 415 otherwise), so a cross-site form or text/plain post never reaches Apollo; a GET runs queries
    // only (405 for mutations); and keys travel in the Authorization header, never in cookies, so a
    // cross-site request runs anonymous (README "Use it from a frontend").
    csrfPrevention: false,
    allowBatchedHttpRequests: config.operationBatching,
    // Shutdown is ours (src/main.ts): Apollo's own handler re-raises the signal and kills the process
    // before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: development,
    // A document of a million tokens costs parse and validation time before any limit looks at it.
    parseOptions: { maxTokens: config.maxTokens },
    validationRules: [...limitRules(config), subscriptionsOverWebSocketRule],
    formatError,
    plugins: plugins(deps, formatError),
  });
}
