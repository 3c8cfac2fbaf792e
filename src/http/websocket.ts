/**
 * Subscriptions over WebSocket (docs/api.md "Subscriptions"): the graphql-ws protocol (subprotocol
 * `graphql-transport-ws`) on the HTTP server's own port and path, /graphql, with the one schema of
 * src/schema.ts and the limits of HTTP:
 *
 * - the upgrade: only /graphql; the Origin of a browser page as CORS_ORIGINS allows (src/http/cors.ts);
 *   at most MAX_WS_CONNECTIONS open connections (503 above); none while the server stops (503);
 *   messages of at most MAX_BODY_BYTES.
 * - connection_init: the key in `connectionParams.authorization` ("Bearer <key>"), resolved as the
 *   HTTP Authorization header is (src/http/auth.ts). With API_KEYS, no key closes the socket with
 *   4401, an unknown key with 4403. The role then applies per field, as over HTTP (FORBIDDEN).
 * - subscribe: subscription operations only (queries and mutations go over HTTP); the token cap, the
 *   validation rules (fields, depth, aliases: src/graphql/limits.ts) and the cost limit, each refusal
 *   an `error` message with the same code as over HTTP; at most MAX_SUBSCRIPTIONS_PER_CONNECTION
 *   at once (TOO_MANY_SUBSCRIPTIONS).
 * - every result's errors go through the server's formatError (unexpected ones masked and logged).
 * - close(): every subscription completes (a `complete` message each), then every socket closes with
 *   1001 (going away).
 */
import { getOperationAST, getVariableValues, GraphQLError, GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { Extra, useServer as UseServer } from 'graphql-ws/dist/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pool } from 'pg';
import { WebSocketServer } from 'ws';
import type { ResultCache } from '../cache/result-cache';
import type { Config, Role } from '../config';
import { createContext } from '../context';
import { Db } from '../db/db';
import { limitRules, queryCost, SCAN_COST } from '../graphql/limits';
import type { LiveUpdates } from '../live';
import type { Logger } from '../logger';
import { appFormatError } from '../server';
import type { Lifecycle } from './app';
import { resolveRole } from './auth';
import { webSocketOriginAllowed } from './cors';
import type { Observability } from './observability';

// graphql-ws's ws adapter is the package's exports subpath `graphql-ws/use/ws`, which require() resolves;
// this project's TypeScript moduleResolution (node) finds its types only by file path (above).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as { useServer: typeof UseServer };

export interface WebSocketDeps {
  config: Config;
  schema: GraphQLSchema;
  pool: Pool;
  resultCache: ResultCache;
  log: Logger;
  observability: Observability;
  lifecycle: Lifecycle;
  live: LiveUpdates;
}

export interface WebSocketEndpoint {
  /** Completes every subscription, closes every connection (1001) and stops taking new ones. */
  close(): Promise<void>;
}

/** How long close() lets the `complete` messages go out before it closes the sockets. */
const COMPLETE_WAIT_MS = 1000;

type Ctx = WsContext<Record<string, unknown> | undefined, Extra & Partial<Record<PropertyKey, never>>>;

/** The key of connectionParams: `authorization` (any case) holding "Bearer <key>", as the HTTP header. */
function authorizationParam(params: Record<string, unknown> | undefined): string | undefined {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return undefined;
}

const withCode = (err: GraphQLError, code: string) =>
  new GraphQLError(err.message, {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    extensions: { ...err.extensions, code },
  });

export function attachWebSocket(server: Server, deps: WebSocketDeps): WebSocketEndpoint {
  const { config, schema, pool, resultCache, log, observability, lifecycle, live } = deps;
  const formatError = appFormatError(config, log);
  const roles = new WeakMap<Ctx, { role: Role | null; sentKey: boolean }>();
  const connected = new Set<Ctx>();
  const rules = [...specifiedRules, ...limitRules(config)];
  let closing = false;

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.bodyLimitBytes });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(req);
    if (refusal) {
      const body = JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
      socket.end(
        `HTTP/1.1 ${refusal.status} ${refusal.status === 403 ? 'Forbidden' : refusal.status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n` +
          `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  function refuseUpgrade(req: IncomingMessage): { status: number; code: string; message: string } | null {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      return { status: 404, code: 'NOT_FOUND', message: 'WebSocket connections are served on /graphql only' };
    }
    if (closing || lifecycle.draining) return { status: 503, code: 'SHUTTING_DOWN', message: 'The server is shutting down' };
    if (!webSocketOriginAllowed(config, req.headers.origin, req.headers.host)) {
      return {
        status: 403,
        code: 'FORBIDDEN',
        message: `Origin ${JSON.stringify(String(req.headers.origin).slice(0, 200))} is not allowed (CORS_ORIGINS)`,
      };
    }
    if (wss.clients.size >= config.maxWsConnections) {
      return {
        status: 503,
        code: 'TOO_MANY_CONNECTIONS',
        message: `This server holds its limit of ${config.maxWsConnections} WebSocket connections (MAX_WS_CONNECTIONS)`,
      };
    }
    return null;
  }

  const graphqlWs = useServer(
    {
      schema,
      onConnect(ctx) {
        const { role, sentKey } = resolveRole(config, authorizationParam(ctx.connectionParams));
        if (!role) {
          // With API_KEYS: no key, or one that none of them is. graphql-ws's codes for "who are you" and "no".
          if (sentKey) ctx.extra.socket.close(4403, 'Forbidden: unknown API key');
          else ctx.extra.socket.close(4401, 'Unauthorized: send connectionParams { authorization: "Bearer <key>" }');
          return false;
        }
        roles.set(ctx, { role, sentKey });
        connected.add(ctx);
        return true;
      },
      onClose(ctx) {
        connected.delete(ctx);
      },
      onSubscribe(ctx, _id, payload) {
        if (Object.keys(ctx.subscriptions).length > config.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(
              `This connection holds its limit of ${config.maxSubscriptionsPerConnection} subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION): ` +
                'complete one first, or open another connection.',
              { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } },
            ),
          ];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: config.maxTokens });
        } catch (err) {
          return [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [withCode(new GraphQLError('Unable to identify the operation to run'), 'GRAPHQL_VALIDATION_FAILED')];
        if (operation.operation !== 'subscription') {
          return [
            withCode(
              new GraphQLError(`Only subscriptions run over WebSocket; send a ${operation.operation} as an HTTP request to /graphql.`),
              'GRAPHQL_VALIDATION_FAILED',
            ),
          ];
        }
        const variables = payload.variables ?? {};
        // Variables that do not fit their types: BAD_USER_INPUT, as Apollo answers over HTTP.
        const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 10 });
        if (coercion.errors) return coercion.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
        const cost = queryCost({ schema, query: document, variables, operationName: payload.operationName ?? undefined });
        if (cost > config.maxCost) {
          return [
            withCode(
              new GraphQLError(
                `Query cost limit of ${config.maxCost} exceeded, found ${cost} (MAX_QUERY_COST; a list field costs first x its selection, ` +
                  `an aggregate ${SCAN_COST} + its rows x their selection).`,
              ),
              'GRAPHQL_VALIDATION_FAILED',
            ),
          ];
        }
        const { role, sentKey } = roles.get(ctx) ?? { role: null, sentKey: false };
        const contextValue = createContext({ db: new Db(pool), role, sentKey, resultCache, config, log, batch: true });
        return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return;
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) };
      },
      // The refusals of onSubscribe, and a stream that failed (src/graphql/live-hub.ts).
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wss,
  );

  observability.watchLive({
    connections: () => wss.clients.size,
    subscriptions: () => {
      let n = 0;
      for (const ctx of connected) n += Object.values(ctx.subscriptions).filter(Boolean).length;
      return n;
    },
    listening: () => live.listening,
  });

  return {
    async close() {
      if (closing) return;
      closing = true;
      // Ends every subscription's event stream: graphql-ws then sends each one's `complete`.
      live.hub.close();
      const deadline = Date.now() + Math.min(COMPLETE_WAIT_MS, config.shutdownTimeoutMs);
      while (Date.now() < deadline && [...connected].some((ctx) => Object.keys(ctx.subscriptions).length > 0)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // 1001 to every socket; one whose client does not answer the close handshake is cut after the budget.
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(deadline + COMPLETE_WAIT_MS - Date.now(), 0))));
      await Promise.race([graphqlWs.dispose(), cut]);
      clearTimeout(timer);
      for (const socket of wss.clients) socket.terminate();
    },
  };
}
