import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { tablesWrittenBy } from './dependencies';

/**
 * After a request whose Mutation fields may have written (ctx.writes, recorded by the mutation
 * wrapper, src/graphql/mutation-operation.ts: a field refused by auth or validation is not there, a
 * failed agent run is, a rolled-back operation leaves none), bumps the generations of the tables
 * they write, awaited in willSendResponse, i.e. after COMMIT and before the response leaves: once a
 * client has the answer to its write, no instance serves an older read of those tables.
 */
export function cacheInvalidationPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          if (!contextValue?.writes?.size || !contextValue.resultCache) return;
          await contextValue.resultCache.invalidate(tablesWrittenBy(contextValue.writes));
        },
      };
    },
  };
}
