/** Builds the schema and the Apollo server; nothing else. */
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import type { Context } from './context';
import { makeFormatError } from './graphql/format-error';
import { areaPlugins } from './plugins';
import { buildAppSchema } from './schema';

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

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
  return new ApolloServer<Context>({
    schema,
    introspection: true,
    // Shutdown is ours (src/main.ts): Apollo's own handler re-raises the signal and kills the process
    // before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    formatError: makeFormatError({ development: config.nodeEnv === 'development', log: (err, msg) => log.error({ err }, msg) }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No field sets cache hints; the default cache-control plugin would still wrap every field
      // resolver (willResolveField) of every request: ~3% of a nested read's CPU (see BENCHMARKS.md).
      ApolloServerPluginCacheControlDisabled(),
      ...(config.queryStats ? [queryStatsPlugin()] : []),
      ...areaPlugins(config),
      ...plugins,
    ],
  });
}
