/**
 * The express app: /graphql (Apollo, and GraphiQL for browsers), /healthz, /readyz, /metrics.
 * Every response of /graphql is JSON, refusals included.
 */
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { Context, createContext } from '../context';
import { Db } from '../db/db';
import type { Logger } from '../logger';
import { resolveRole } from './auth';
import { httpErrorHandler, jsonBody } from './body';
import { mountGraphiql } from './graphiql';
import type { Observability } from './observability';

/** Shared with main.ts: set while shutting down, so /readyz says 503 and connections close. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppDeps {
  config: Config;
  pool: Pool;
  apollo: ApolloServer<Context>;
  log?: Logger;
  observability?: Observability;
  lifecycle?: Lifecycle;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createHttpApp({ config, pool, apollo, log = silent, observability, lifecycle = { draining: false } }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((_req, res, next) => {
    if (lifecycle.draining) res.setHeader('connection', 'close');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ status: 'unavailable', reason: 'shutting down' });
      return;
    }
    try {
      await pool.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  if (observability) app.get('/metrics', observability.metricsHandler());

  mountGraphiql(app);

  app.use(
    '/graphql',
    ...(observability ? [observability.requestLog()] : []),
    ...jsonBody(config),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const { role, sentKey } = resolveRole(config, req.headers.authorization);
        const ctx = createContext(new Db(pool, undefined, pool), role, sentKey);
        observability?.attach(res, ctx);
        return ctx;
      },
    }),
  );

  app.use(httpErrorHandler(config, log));
  return app;
}
