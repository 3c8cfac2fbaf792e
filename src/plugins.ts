/** Extra Apollo plugins by area (the cache registers its invalidation here). */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import { cacheInvalidationPlugin } from './cache/invalidation-plugin';
import type { Context } from './context';

export function areaPlugins(_config: Config): ApolloServerPlugin<Context>[] {
  return [
    cacheInvalidationPlugin(),
    // No field sets HTTP cache hints (answers are cached server-side, src/cache); Apollo's default
    // cache-control plugin would still wrap every field resolver of every request.
    ApolloServerPluginCacheControlDisabled(),
  ];
}
