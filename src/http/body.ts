/**
 * The HTTP layer in front of Apollo: POST bodies must be JSON, at most MAX_BODY_BYTES (413), and
 * every refusal is a GraphQL-shaped JSON error (`{ errors: [{ message, extensions: { code } }] }`),
 * never express's HTML page with a stack trace.
 */
import express, { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import type { Logger } from '../logger';

export function sendGraphQLError(res: Response, status: number, message: string, extensions: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST', ...extensions } }] }));
}

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0].trim().toLowerCase();

/**
 * POST /graphql takes application/json only (the GraphQL-over-HTTP spec's media type). Anything else
 * is 415 before a byte of it is parsed, which also keeps form posts from other sites (CSRF) away.
 */
export function jsonBody(config: Pick<Config, 'bodyLimitBytes'>): RequestHandler[] {
  const requireJson: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST') return next();
    const type = mediaType(req.headers['content-type']);
    if (type !== 'application/json') {
      return sendGraphQLError(
        res,
        415,
        `POST /graphql needs Content-Type: application/json${type ? `, got ${JSON.stringify(type.slice(0, 100))}` : ''}`,
      );
    }
    next();
  };
  // Apollo's express integration answers 500 when req.body is absent (GET, or an empty POST):
  // give it an explicit undefined so it answers with its own 400s instead.
  const ensureBody: RequestHandler = (req, _res, next) => {
    if (!('body' in req)) (req as { body?: unknown }).body = undefined;
    next();
  };
  return [requireJson, express.json({ limit: config.bodyLimitBytes, strict: true }), ensureBody];
}

/**
 * A POST body that is an array is a batch of operations: refused unless ALLOW_BATCHING is on, and
 * then at most MAX_BATCH_OPERATIONS of them (their summed cost is capped in src/graphql/limits.ts).
 */
export function batchLimit(config: Pick<Config, 'operationBatching' | 'maxBatchOperations'>): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    if (!Array.isArray(body)) return next();
    if (!config.operationBatching) {
      return sendGraphQLError(res, 400, 'Operation batching is off on this server: send one operation per request (ALLOW_BATCHING).');
    }
    if (body.length > config.maxBatchOperations) {
      return sendGraphQLError(
        res,
        400,
        `A batch holds at most ${config.maxBatchOperations} operations (MAX_BATCH_OPERATIONS), this one has ${body.length}`,
        { limit: config.maxBatchOperations },
      );
    }
    next();
  };
}

interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Turns body-parser refusals (and anything else that reaches express) into GraphQL-shaped JSON. */
export function httpErrorHandler(config: Pick<Config, 'bodyLimitBytes'>, log: Logger): ErrorRequestHandler {
  return (err: BodyParserError, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = err.status ?? err.statusCode ?? 500;
    if (err.type === 'entity.too.large') {
      return sendGraphQLError(res, 413, `Request body is larger than the limit of ${config.bodyLimitBytes} bytes (MAX_BODY_BYTES)`, {
        limit: config.bodyLimitBytes,
      });
    }
    if (err.type === 'entity.parse.failed') return sendGraphQLError(res, 400, 'Request body is not valid JSON');
    if (status >= 400 && status < 500 && err.expose) return sendGraphQLError(res, status, String(err.message ?? 'Bad request'));
    log.error({ err }, 'unexpected error in the HTTP layer');
    return sendGraphQLError(res, 500, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR' });
  };
}
