/**
 * The app's one pg Pool: every runtime statement runs on it (through Db). It is created and
 * configured here, not borrowed from TypeORM, which only runs migrations (data-source.ts).
 */
import { Pool, types } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';

// bigint (int8) and numeric columns hold counts and sums that stay below 2^53: parse them as numbers
// once here instead of converting in every mapper.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));

const APPLICATION_NAME = 'creator-analytics-api';

export type PoolConfig = Pick<Config, 'poolMax' | 'connectionTimeoutMs' | 'readStatementTimeoutMs'>;

export function createPool(url: string, config: PoolConfig, log: Logger): Pool {
  const pool = new Pool({
    connectionString: url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    // Reads stop here; agents lift it per transaction (SET LOCAL).
    statement_timeout: config.readStatementTimeoutMs,
    application_name: APPLICATION_NAME,
    keepAlive: true,
  });
  // A pg client whose connection drops (pg_terminate_backend, a restart) emits 'error'; with no
  // listener that kills the process, and pg-pool listens only while the client is idle. The
  // statement in flight, if any, fails on its own and pg-pool drops the dead client when it is released.
  pool.on('connect', (client) => {
    let logged = false; // a cut connection can report twice (PostgreSQL's FATAL, then the socket's end)
    client.on('error', (err) => {
      if (!logged) log.warn({ err: err.message }, 'database connection lost');
      logged = true;
    });
  });
  // pg-pool passes an idle client's error on to the pool: the client's listener above logged it.
  pool.on('error', () => undefined);
  return pool;
}
