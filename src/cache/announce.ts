/**
 * How the in-memory result caches of several processes (instances without REDIS_URL, `npm run
 * worker`) keep each other current (docs/api.md "Result cache"): an invalidation is also sent as a
 * PostgreSQL NOTIFY on CHANNELS.writes, payload "<cache id> <table>,<table>", and every server
 * process's listener hands it to its own cache (src/live.ts), which ignores its own. The NOTIFY is
 * its own statement after the write's COMMIT, awaited before the response leaves; another process
 * has it once its listening connection reads it (milliseconds), a failure to send is logged and
 * then only CACHE_TTL_SECONDS bounds the others' staleness.
 */
import type { Pool } from 'pg';
import { CHANNELS } from '../db/notify';
import type { Logger } from '../logger';
import type { Announce } from './result-cache';

export function announceOn(pool: Pool, log: Logger): Announce {
  return async (payload) => {
    try {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNELS.writes, payload]);
    } catch (err) {
      log.warn({ err }, 'result cache: could not tell the other processes what was written (they see it within CACHE_TTL_SECONDS)');
    }
  };
}
