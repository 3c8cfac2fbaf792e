/**
 * Who may introspect the schema (`__schema`, `__type`; `__typename` is always allowed), by
 * INTROSPECTION (docs/api.md "Access"): `public`, `reader` (any valid key; the default with
 * API_KEYS) or `off`. Checked once the operation is known and before anything runs, so a refused
 * request gets no data: UNAUTHENTICATED (HTTP 401) for `reader`, GRAPHQL_VALIDATION_FAILED for `off`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Config } from '../config';
import type { Context } from '../context';
import { UnauthenticatedError } from '../errors';
import { rootFields } from './root-fields';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

export function introspectionPlugin(config: Pick<Config, 'introspection'>): ApolloServerPlugin<Context> {
  const mode = config.introspection;
  return {
    async requestDidStart() {
      if (mode === 'public') return;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          // Only the query root has these fields (validation refuses them elsewhere).
          if (operation?.operation !== 'query') return;
          if (!rootFields(operation, document).some((f) => INTROSPECTION_FIELDS.has(f.name.value))) return;
          if (mode === 'off') {
            throw new GraphQLError('Introspection is off on this server (INTROSPECTION=off).', {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
          if (!contextValue.role) {
            throw new UnauthenticatedError(
              `${contextValue.sentKey ? 'Unknown API key: introspection' : 'Introspection'} needs a valid API key ` +
                '(INTROSPECTION=reader): send Authorization: Bearer <key>',
            );
          }
        },
      };
    },
  };
}
