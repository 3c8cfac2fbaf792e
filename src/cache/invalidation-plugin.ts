import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST } from 'graphql';
import type { Context } from '../context';

/**
 * Bumps the cache generation after EVERY mutation operation (ingest or agent, succeeded or failed:
 * a failed agent run still writes its agent_logs row), awaited in willSendResponse, i.e. before
 * the response leaves: once a client has the answer to its write, no instance serves an older read.
 * The operation comes from the parsed document, so even a mutation that failed validation counts.
 */
export function cacheInvalidationPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ document, request, contextValue }) {
          if (!document || !contextValue?.resultCache) return;
          const operation = getOperationAST(document, request.operationName);
          if (operation?.operation === 'mutation') await contextValue.resultCache.invalidate();
        },
      };
    },
  };
}
