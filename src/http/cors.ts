/**
 * CORS for /graphql (docs/api.md "HTTP"): browsers on the origins of CORS_ORIGINS may call the API.
 *
 * Origins match exactly (scheme, host and port), never by prefix, suffix or pattern: a check such
 * as "ends with example.com" also admits evil-example.com, and a reflected Origin admits every site.
 * Credentials (cookies) are never allowed: the API authenticates with the Authorization header,
 * which a page sends only when its own code sets it, and only after the preflight below said yes.
 * WebSocket handshakes are not subject to CORS (browsers send no preflight for them, and any page may
 * open one): the upgrade of /graphql checks the Origin itself, with the same list (webSocketOriginAllowed).
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { sendGraphQLError } from './body';

export const CORS_METHODS = 'GET, POST, OPTIONS';
export const CORS_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-min-lsn', // read-your-writes with read replicas (src/graphql/read-replicas.ts)
].join(', ');

export function cors(config: Pick<Config, 'corsOrigins' | 'corsMaxAgeSeconds'>): RequestHandler {
  const any = config.corsOrigins.includes('*');
  const allowed = new Set(config.corsOrigins);
  return (req, res, next) => {
    // The answer depends on Origin, so caches must key on it (even when this one sends no CORS header).
    res.vary('Origin');
    const origin = req.headers.origin;
    const ok = origin !== undefined && (any || allowed.has(origin));
    if (ok) {
      res.setHeader('access-control-allow-origin', any ? '*' : origin);
      // Lets a client read a 401's challenge and a write's X-Min-LSN; ETag and Cache-Control are readable by default.
      res.setHeader('access-control-expose-headers', 'www-authenticate, x-min-lsn');
    }
    if (req.method !== 'OPTIONS') return next();
    if (origin !== undefined && !ok) {
      // Browsers only see that the preflight failed; the message is for a human with curl.
      return sendGraphQLError(res, 403, `Origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (CORS_ORIGINS)`, {
        code: 'FORBIDDEN',
      });
    }
    res.setHeader('allow', CORS_METHODS);
    if (ok) {
      res.setHeader('access-control-allow-methods', CORS_METHODS);
      res.setHeader('access-control-allow-headers', CORS_HEADERS);
      res.setHeader('access-control-max-age', String(config.corsMaxAgeSeconds));
    }
    res.status(204).end();
  };
}

/**
 * Whether a WebSocket upgrade may proceed (src/http/websocket.ts): a page of a CORS_ORIGINS origin
 * (any with `*`), a page of this server's own origin (its Host), or no Origin at all (not a browser).
 */
export function webSocketOriginAllowed(config: Pick<Config, 'corsOrigins'>, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (config.corsOrigins.includes('*') || config.corsOrigins.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
