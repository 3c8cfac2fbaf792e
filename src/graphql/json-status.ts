/**
 * GraphQL over HTTP, "application/json" responses: the spec says a server SHOULD answer 200 to every
 * well-formed request whose answer is a GraphQL response, errors included (parse, validation and
 * variable errors), because legacy clients read errors from the body. Apollo answers 400 whatever
 * the client accepts; this plugin keeps 400 for clients that accept application/graphql-response+json
 * (where the spec wants 4xx) and turns it into 200 for application/json ones. Requests that are not
 * well-formed (no query, a number as query, CSRF refusals: BAD_REQUEST) keep their 400, and other
 * statuses (405 for a mutation over GET) are left alone.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';

const JSON_TYPE = 'application/json';
/** Errors about the GraphQL document or its variables, as opposed to a malformed HTTP request. */
const GRAPHQL_RESPONSE_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';

/** Which media type Apollo will answer with: the same negotiation (no Accept header means JSON). */
export function answersWithPlainJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) === JSON_TYPE;
}

export function jsonStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.length || !errors.every((e) => GRAPHQL_RESPONSE_CODES.has(String(e.extensions?.code)))) return;
          if (answersWithPlainJson(request.http?.headers.get('accept'))) response.http.status = 200;
        },
      };
    },
  };
}
