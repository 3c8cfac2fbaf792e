/** The few typed errors of the API, each with its `extensions.code` (docs/api.md "Errors"). */
import { GraphQLError } from 'graphql';

/** Built by invalidArgs (src/graphql/validation.ts) only, so that every argument error has one shape. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, where: { argumentName: string; fields: string[] }) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', argumentName: where.argumentName, fields: where.fields } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'A valid API key is required: send Authorization: Bearer <key>') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}

export class FailedPreconditionError extends GraphQLError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: 'FAILED_PRECONDITION', ...extra } });
  }
}
