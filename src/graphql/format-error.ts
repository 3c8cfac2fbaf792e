/**
 * Error masking (docs/api.md "Errors"): user mistakes keep their message and code; anything unexpected
 * becomes INTERNAL_SERVER_ERROR "Internal server error" with no stack, SQL or table names unless
 * NODE_ENV=development. The full error always goes to the server log. Database troubles a client can
 * act on (unreachable, no free connection in time, statement timeout) stay INTERNAL_SERVER_ERROR
 * but say so, with extensions.reason, and still no detail.
 */
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { databaseTrouble, type DatabaseTrouble } from '../db/pg-errors';

const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'FAILED_PRECONDITION',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // Subscriptions (src/http/websocket.ts, src/graphql/live-hub.ts)
  'TOO_MANY_SUBSCRIPTIONS',
  'SUBSCRIPTION_BEHIND',
]);

// The classification lives with the other PostgreSQL error codes (src/db/pg-errors.ts): the read
// replicas' fallback (src/db/replicas.ts) uses it too.
export { databaseTrouble, type DatabaseTrouble } from '../db/pg-errors';

export interface FormatErrorOptions {
  development: boolean;
  log: (err: unknown, msg: string) => void;
  /** For the messages of database troubles (DB_CONNECTION_TIMEOUT_MS, READ_STATEMENT_TIMEOUT_MS). */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
}

function troubleMessage(trouble: DatabaseTrouble, opts: FormatErrorOptions): string {
  switch (trouble) {
    case 'DATABASE_BUSY':
      return `Database busy: no connection became free within ${opts.connectionTimeoutMs ?? '?'} ms (DB_CONNECTION_TIMEOUT_MS); retry later`;
    case 'STATEMENT_TIMEOUT':
      return `Query took longer than the statement timeout of ${opts.statementTimeoutMs ?? '?'} ms (READ_STATEMENT_TIMEOUT_MS)`;
    default:
      return 'Database unavailable; retry later';
  }
}

export function makeFormatError(opts: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error) as { extensions?: Record<string, unknown>; name?: string } | undefined;
    const code = (formatted.extensions?.code as string | undefined) ?? undefined;
    if (code === 'GRAPHQL_PARSE_FAILED') {
      // graphql-js: "Document contains more that N tokens. Parsing aborted." Name the setting.
      const tokens = /contains more th\w+ (\d+) tokens/.exec(formatted.message);
      if (tokens) formatted = { ...formatted, message: `Query token limit of ${tokens[1]} exceeded (MAX_QUERY_TOKENS); parsing aborted.` };
    }
    if (code && PUBLIC_CODES.has(code)) {
      if (opts.development) return formatted;
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...formatted, extensions: ext };
    }
    const trouble = databaseTrouble(original ?? error);
    opts.log(
      original ?? error,
      trouble ? `database trouble while resolving a request: ${trouble}` : 'unexpected error while resolving a request',
    );
    if (opts.development) {
      return {
        ...formatted,
        extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR', ...(trouble ? { reason: trouble } : {}) },
      };
    }
    const runId = formatted.extensions?.runId;
    return {
      message: trouble ? troubleMessage(trouble, opts) : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(trouble ? { reason: trouble } : {}), ...(runId !== undefined ? { runId } : {}) },
    };
  };
}
