/**
 * The express app: /graphql (Apollo, and GraphiQL for browsers), /dashboard, /healthz, /readyz, /metrics.
 * Every response of /graphql is JSON, refusals included; CORS applies to all of them.
 */
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { ResultCache } from '../cache/result-cache';
import type { Config } from '../config';
import { Context, createContext } from '../context';
import { Db } from '../db/db';
import type { Replicas } from '../db/replicas';
import type { Logger } from '../logger';
import { mayReadMetrics, resolveRole } from './auth';
import { batchLimit, httpErrorHandler, jsonBody, sendGraphQLError } from './body';
import { cors } from './cors';
import { mountDashboard } from './dashboard';
import { getCaching } from './get-caching';
import { mountGraphiql } from './graphiql';
import { ingestInteractions } from './ingest';
import type { Observability } from './observability';

/**
 * Shared with main.ts. Once draining, /readyz says 503 and every response not yet started, in
 * flight or new, closes its connection after it (`Connection: close`), so server.close() can finish
 * as soon as the last request is answered and keep-alive clients reconnect elsewhere.
 */
export class Lifecycle {
  draining = false;
  private readonly open = new Set<ServerResponse>();

  track: express.RequestHandler = (_req, res, next) => {
    if (this.draining) res.shouldKeepAlive = false;
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    next();
  };

  startDraining(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.shouldKeepAlive = false;
  }
}

export interface AppDeps {
  config: Config;
  pool: Pool;
  /** Their state and lag are part of /readyz (a replica down does not make the instance unready). */
  replicas: Replicas | null;
  apollo: ApolloServer<Context>;
  resultCache: ResultCache;
  log: Logger;
  observability: Observability;
  lifecycle: Lifecycle;
}

export function createHttpApp({ config, pool, replicas, apollo, resultCache, log, observability, lifecycle }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // API answers are not cached by validators; GraphiQL assets carry their own cache headers

  app.use(lifecycle.track);

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
      res.json({ status: 'ready', ...(replicas ? { replicas: replicas.status() } : {}) });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  // With API_KEYS: a scraper's METRICS_KEY or an admin key (operation names and pool use are not for everyone).
  const metricsAccess: express.RequestHandler = (req, res, next) => {
    if (mayReadMetrics(config, req.headers.authorization)) return next();
    res.setHeader('www-authenticate', 'Bearer');
    sendGraphQLError(res, 401, '/metrics needs Authorization: Bearer <key> with METRICS_KEY or an admin key', { code: 'UNAUTHENTICATED' });
  };
  app.get('/metrics', metricsAccess, observability.metricsHandler());

  // Before GraphiQL's page, so that it varies by Origin too; preflights end here, unlogged.
  app.use('/graphql', cors(config));
  mountGraphiql(app);
  mountDashboard(app);

  app.use(
    '/graphql',
    observability.requestLog(),
    getCaching(),
    ...jsonBody(config),
    batchLimit(config),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const { role, sentKey } = resolveRole(config, req.headers.authorization);
        // The benchmark's N+1 comparison: loaders without batching, only when BENCH_ALLOW_UNBATCHED=1.
        const unbatched = config.allowBatchingSwitch && req.headers['x-bench-unbatched'] === '1';
        const ctx = createContext({ db: new Db(pool), role, sentKey, resultCache, config, log, batch: !unbatched });
        observability.attach(res, ctx);
        return ctx;
      },
    }),
  );

  // Bulk ingest (writer role): NDJSON or CSV into recordInteractions' write path (src/http/ingest.ts).
  app.post('/ingest/interactions', ingestInteractions({ config, pool, replicas, resultCache }));

  app.use(httpErrorHandler(config, log));
  return app;
}
