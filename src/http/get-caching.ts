/**
 * HTTP caching of GET /graphql (docs/api.md "HTTP"). Every answer to a GET is
 * `Cache-Control: private, max-age=0` with a weak ETag, so a browser revalidates and gets a 304 with
 * no body when nothing changed. On an open server (no API_KEYS) with HTTP_PUBLIC_MAX_AGE set, an
 * anonymous query answered without errors is `public, max-age=N` instead, so a CDN may share it.
 * The query still runs on a revalidation (the server keeps no validator index): a 304 saves the
 * transfer, not the work. With QUERY_STATS=1 every body differs (timings), so nothing is ever 304.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import type { Config } from '../config';

const PRIVATE = 'private, max-age=0';

/** A weak validator: equal bodies are equal answers, and a hash of the bytes is all it takes. */
const weakEtag = (body: string) => `W/"${createHash('sha1').update(body, 'utf8').digest('base64url')}"`;

/**
 * If-None-Match holds this tag (weak comparison, RFC 9110 13.1.2). Not express's req.fresh: it
 * answers "stale" whenever the request says Cache-Control: no-cache, which fetch() adds to every
 * request that carries a validator of its own.
 */
function noneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const opaque = tag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === opaque);
}

/** Express side: the default Cache-Control, and the ETag/304 once the body is known. */
export function getCaching(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET') return next();
    // The same URL answers JSON, GraphQL-response JSON or (for browsers) GraphiQL by Accept.
    res.vary('Accept');
    res.setHeader('cache-control', PRIVATE);
    // Apollo's express integration answers with one res.send(string): tag that string.
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (res.statusCode === 200 && typeof body === 'string') {
        const tag = weakEtag(body);
        res.setHeader('etag', tag);
        // express sends a 304 without body or content headers.
        if (noneMatch(req.headers['if-none-match'], tag)) res.status(304);
      }
      return send(body);
    };
    next();
  };
}

/** Apollo side: `public, max-age=N` for what anyone could be given, as the answer says. */
export function publicCachePlugin(config: Pick<Config, 'apiKeys' | 'httpPublicMaxAge'>): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const head = request.http;
      if (!config.httpPublicMaxAge || config.apiKeys.size > 0 || head?.method !== 'GET' || head.headers.get('authorization')) return;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) return;
          if ((response.http.status ?? 200) !== 200) return;
          response.http.headers.set('cache-control', `public, max-age=${config.httpPublicMaxAge}`);
        },
      };
    },
  };
}
