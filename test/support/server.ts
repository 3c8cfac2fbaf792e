/** The real server on a real port, over a test database, and a small GraphQL client for it. */
import type { Pool } from 'pg';
import { loadConfig } from '../../src/config';
import { start } from '../../src/main';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

/**
 * Environment variables of a test server (defaults: QUERY_STATS=1, LOG_LEVEL=silent, no migrations,
 * WORKER=off: ingest still enqueues its jobs, but only the job-queue tests run a worker).
 */
export type ServerEnv = Record<string, string>;

export interface TestServer {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  port: number;
  /** The server's own pool (its session settings are under test in places). */
  pool: Pool;
  /** Every JSON log line so far (with a LOG_LEVEL other than silent). */
  lines: Record<string, any>[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export async function startTestServer(databaseUrl: string, env: ServerEnv = {}): Promise<TestServer> {
  const config = loadConfig({
    QUERY_STATS: '1',
    LOG_LEVEL: 'silent',
    WORKER: 'off',
    ...env,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    MIGRATIONS_RUN: env.MIGRATIONS_RUN ?? 'false',
  });
  const lines: Record<string, any>[] = [];
  const app = await start(config, { logDestination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  const url = `http://127.0.0.1:${app.port}/graphql`;
  return {
    url,
    port: app.port,
    pool: app.pool,
    lines,
    async gql(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GqlResult;
      return { ...body, status: res.status };
    },
    stop: app.stop,
  };
}

/** The data of a response that must have no errors. */
export function ok<T = any>(res: GqlResult<T>): T {
  if (res.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** The queryStats extension of a response (QUERY_STATS=1): SQL statements and result-cache use. */
export const stats = (res: GqlResult) => res.extensions!.queryStats as { sqlQueries: number; cacheHits: number; cacheMisses: number };
