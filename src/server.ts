/** Builds the schema and the Apollo server; nothing else. */
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import type { Context } from './context';
import { makeFormatError } from './graphql/format-error';
import { costLimitPlugin, limitRules } from './graphql/limits';
import { jsonStatusPlugin } from './http/json-status';
import type { Logger } from './logger';
import { areaPlugins } from './plugins';
import { buildAppSchema } from './schema';

export type { Logger } from './logger';

/** extensions.queryStats = { sqlQueries, sqlTimeMs, cacheHits, cacheMisses } on every response (QUERY_STATS=1). */
export function queryStatsPlugin(): ApolloServerPlugin<Context> {
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

export async function createApolloServer(config: Config, log: Logger, plugins: ApolloServerPlugin<Context>[] = []) {
  const schema = await buildAppSchema();
  const development = config.nodeEnv === 'development';
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
    formatError: makeFormatError({
      development,
      log: (err, msg) => log.error({ err }, msg),
      connectionTimeoutMs: config.connectionTimeoutMs,
      statementTimeoutMs: config.readStatementTimeoutMs,
    }),
    plugins: [
      // No landing page from Apollo (its pages load from CDNs): browsers get the offline GraphiQL
      // from src/http/graphiql.ts.
      ApolloServerPluginLandingPageDisabled(),
      costLimitPlugin(config),
      jsonStatusPlugin(),
      ...(config.queryStats ? [queryStatsPlugin()] : []),
      ...areaPlugins(config),
      ...plugins,
    ],
  });
}
