/** Extra Apollo plugins by area (the cache registers its invalidation here). */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from './config';
import { cacheInvalidationPlugin } from './cache/invalidation-plugin';
import type { Context } from './context';

export function areaPlugins(_config: Config): ApolloServerPlugin<Context>[] {
  return [cacheInvalidationPlugin()];
}
