/**
 * Read replicas at the operation level (docs/api.md "Read replicas and read-your-writes"):
 *
 * - a query operation's statements run on a read replica (its Db gets a ReadRoute, src/db/replicas.ts);
 *   mutations, agent runs and subscriptions stay on the primary.
 * - read-your-writes: a response to an operation that may have written carries the primary's WAL
 *   position after its COMMIT, in the `X-Min-LSN` header and `extensions.minLsn`; a read sent back
 *   with it (the header, or `extensions.minLsn` of the request) only uses a replica known to have
 *   replayed that position, else the primary.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Context } from '../context';
import { formatLsn, Lsn, parseLsn, Replicas } from '../db/replicas';

export const MIN_LSN_HEADER = 'x-min-lsn';

/** The request's read-your-writes position: the header, else `extensions.minLsn`; a malformed one is refused. */
function requestedMinLsn(header: string | undefined, extension: unknown): Lsn | null {
  const [raw, where] = header !== undefined ? [header, 'the X-Min-LSN header'] : [extension, 'extensions.minLsn'];
  if (raw === undefined || raw === null || raw === '') return null;
  const lsn = parseLsn(typeof raw === 'string' ? raw.trim() : raw);
  if (lsn === null) {
    throw new GraphQLError(
      `${where} must be a WAL position as a write's response gave it (X-Min-LSN, e.g. "0/16B3748"), got ${JSON.stringify(String(raw).slice(0, 40))}`,
      { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
    );
  }
  return lsn;
}

export function readReplicasPlugin(replicas: Replicas | null): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, contextValue }) {
          const minLsn = requestedMinLsn(request.http?.headers.get(MIN_LSN_HEADER), request.extensions?.minLsn);
          if (replicas && operation?.operation === 'query') contextValue.useDb(contextValue.db.onReplicas(replicas.route(minLsn)));
        },
        async willSendResponse({ contextValue, response }) {
          // After COMMIT (the operation's transaction ends in executionDidEnd, an agent's or a single
          // field's within the field): the position now covers every write of the operation.
          if (!replicas || !contextValue?.writes?.size) return;
          const lsn = await replicas.primaryLsn().catch(() => null);
          if (lsn === null) return;
          // A batch shares one set of headers: the furthest position of its operations.
          const sent = parseLsn(response.http.headers.get(MIN_LSN_HEADER));
          if (sent === null || sent < lsn) response.http.headers.set(MIN_LSN_HEADER, formatLsn(lsn));
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, minLsn: formatLsn(lsn) };
          }
        },
      };
    },
  };
}
