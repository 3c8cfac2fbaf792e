/** The express app: /graphql (Apollo), /healthz, /readyz. */
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { Context, createContext } from '../context';
import { Db } from '../db/db';
import { resolveRole } from './auth';

export interface AppDeps {
  config: Config;
  pool: Pool;
  apollo: ApolloServer<Context>;
}

export function createHttpApp({ config, pool, apollo }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      await pool.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const { role, sentKey } = resolveRole(config, req.headers.authorization);
        // The benchmark's N+1 comparison: loaders without batching, only when BENCH_ALLOW_UNBATCHED=1.
        const unbatched = config.allowBatchingSwitch && req.headers['x-bench-unbatched'] === '1';
        return createContext(new Db(pool, undefined, pool), role, sentKey, config, { batch: !unbatched });
      },
    }),
  );
  return app;
}
