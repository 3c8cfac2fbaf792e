/** Builds the schema and the Apollo server, with every Apollo plugin of the app in one list. */
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { cacheInvalidationPlugin } from './cache/invalidation-plugin';
import type { Config } from './config';
import type { Context } from './context';
import { makeFormatError } from './graphql/format-error';
import { jsonStatusPlugin } from './graphql/json-status';
import { costLimitPlugin, limitRules } from './graphql/limits';
import { mutationOperationPlugin } from './graphql/mutation-operation';
import type { Observability } from './http/observability';
import type { Logger } from './logger';
import { buildAppSchema } from './schema';

export interface ServerDeps {
  config: Config;
  log: Logger;
  /** Its plugin names each request's operation and error codes for the request log and /metrics. */
  observability: Observability;
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
function plugins({ config, observability }: ServerDeps, formatError: ReturnType<typeof makeFormatError>): ApolloServerPlugin<Context>[] {
  return [
    // No landing page from Apollo (its pages load from CDNs): browsers get the offline GraphiQL
    // from src/http/graphiql.ts.
    ApolloServerPluginLandingPageDisabled(),
    costLimitPlugin(config),
    // Its transaction ends in executionDidEnd, before any willSendResponse (the cache's invalidation below).
    mutationOperationPlugin(formatError),
    jsonStatusPlugin(),
    ...(config.queryStats ? [queryStatsPlugin()] : []),
    cacheInvalidationPlugin(),
    // No field sets HTTP cache hints (answers are cached server-side, src/cache); Apollo's default
    // cache-control plugin would still wrap every field resolver of every request.
    ApolloServerPluginCacheControlDisabled(),
    observability.plugin(),
  ];
}

export async function createApolloServer(deps: ServerDeps): Promise<ApolloServer<Context>> {
  const { config, log } = deps;
  const schema = await buildAppSchema();
  const development = config.nodeEnv === 'development';
  const formatError = makeFormatError({
    development,
    log: (err, msg) => log.error({ err }, msg),
    connectionTimeoutMs: config.connectionTimeoutMs,
    statementTimeoutMs: config.readStatementTimeoutMs,
  });
  return new ApolloServer<Context>({
    schema,
    introspection: true, // GraphiQL needs it; the schema is the public contract anyway
    csrfPrevention: true,
    // Shutdown is ours (src/main.ts): Apollo's own handler re-raises the signal and kills the process
    // before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: development,
    // A document of a million tokens costs parse and validation time before any limit looks at it.
    parseOptions: { maxTokens: config.maxTokens },
    validationRules: limitRules(config),
    formatError,
    plugins: plugins(deps, formatError),
  });
}
