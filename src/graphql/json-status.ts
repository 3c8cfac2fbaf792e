/**
 * The HTTP status of a GraphQL answer (docs/api.md "HTTP").
 *
 * Document errors: the GraphQL-over-HTTP spec says a server SHOULD answer 200 to every well-formed
 * request whose answer is a GraphQL response when the client accepts application/json, errors
 * included (parse, validation and variable errors), because legacy clients read errors from the
 * body; Apollo answers 400 whatever the client accepts. This plugin keeps 400 for clients that accept
 * application/graphql-response+json (where the spec wants 4xx) and turns it into 200 for
 * application/json ones. Requests that are not well-formed (no query, a number as query:
 * BAD_REQUEST) keep their 400, and other statuses (405 for a mutation over GET) are left alone.
 *
 * Access: when every top-level field was refused for its key, nothing ran, and the answer is 401
 * (no key, or an unknown one; with a `WWW-Authenticate: Bearer` challenge) or 403 (a role too low),
 * with the same GraphQL body, so that a client's fetch-level auth handling fires. A partial refusal
 * stays 200 with data and errors. For application/graphql-response+json the spec requires 2xx
 * whenever `data` is not null, so such an answer stays 200 there.
 *
 * A batch shares one HTTP status between its operations: it answers 200, each result carrying its
 * own errors.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import type { Context } from '../context';
import { rootFields } from './root-fields';

const JSON_TYPE = 'application/json';
/** Errors about the GraphQL document or its variables, as opposed to a malformed HTTP request. */
const GRAPHQL_RESPONSE_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';

/** Which media type Apollo will answer with: the same negotiation (no Accept header means JSON). */
export function answersWithPlainJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) === JSON_TYPE;
}

const codeOf = (e: GraphQLFormattedError) => String(e.extensions?.code);

export function jsonStatusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation, document, contextValue, requestIsBatched }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = result.errors ?? [];
          if (!errors.length) return;
          const codes = errors.map(codeOf);
          const plainJson = answersWithPlainJson(request.http?.headers.get('accept'));
          if (requestIsBatched) {
            if (codes.every((c) => GRAPHQL_RESPONSE_CODES.has(c) || AUTH_CODES.has(c))) response.http.status = 200;
            return;
          }
          if (codes.every((c) => AUTH_CODES.has(c))) {
            const noData = result.data === undefined || result.data === null;
            if (!noData && !plainJson) return;
            // A request-level refusal has no data; a field-level one must have refused every top-level field.
            const refused = new Set(errors.filter((e) => e.path?.length === 1).map((e) => e.path![0]));
            const allRefused =
              result.data === undefined ||
              (operation !== undefined &&
                document !== undefined &&
                rootFields(operation, document).every((f) => refused.has((f.alias ?? f.name).value)));
            if (!allRefused) return;
            const unauthenticated = codes.includes('UNAUTHENTICATED');
            response.http.status = unauthenticated ? 401 : 403;
            if (unauthenticated) {
              response.http.headers.set('www-authenticate', contextValue?.sentKey ? 'Bearer error="invalid_token"' : 'Bearer');
            }
            return;
          }
          if (response.http.status !== 400 || !codes.every((c) => GRAPHQL_RESPONSE_CODES.has(c))) return;
          if (plainJson) response.http.status = 200;
        },
      };
    },
  };
}
