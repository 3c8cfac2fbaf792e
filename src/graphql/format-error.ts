/**
 * Error masking (api.md "Errors"): user mistakes keep their message and code; anything unexpected
 * becomes INTERNAL_SERVER_ERROR "Internal server error" with no stack, SQL or table names unless
 * NODE_ENV=development. The full error always goes to the server log.
 */
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'FAILED_PRECONDITION', 'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** class-validator's tree as "input.topic: topic must be ..." lines, so the message names the field. */
export function describeValidationErrors(errors: ValidationErrorLike[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) out.push(`${path}: ${msg}`);
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
}

export function makeFormatError(opts: { development: boolean; log: (err: unknown, msg: string) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error) as { extensions?: Record<string, unknown>; name?: string } | undefined;
    const code = (formatted.extensions?.code as string | undefined) ?? undefined;
    if (code === 'BAD_USER_INPUT' && Array.isArray(original?.extensions?.validationErrors)) {
      const lines = describeValidationErrors(original!.extensions!.validationErrors as ValidationErrorLike[]);
      const { validationErrors: _v, ...ext } = formatted.extensions ?? {};
      return {
        ...formatted,
        message: `Invalid input: ${lines.join('; ')}`,
        extensions: { ...ext, code, fields: lines.map((l) => l.slice(0, l.indexOf(':'))) },
      };
    }
    if (code && PUBLIC_CODES.has(code)) {
      if (opts.development) return formatted;
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...formatted, extensions: ext };
    }
    opts.log(original ?? error, 'unexpected error while resolving a request');
    if (opts.development) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    const runId = formatted.extensions?.runId;
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(runId !== undefined ? { runId } : {}) },
    };
  };
}
