/** The real server on a real port, over a test database, and a small GraphQL client for it. */
import { loadConfig } from '../../src/config';
import { start } from '../../src/main';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

export interface TestServer {
  url: string;
  port: number;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export async function startTestServer(databaseUrl: string, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({
    QUERY_STATS: '1',
    LOG_LEVEL: 'silent',
    ...env,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    MIGRATIONS_RUN: env.MIGRATIONS_RUN ?? 'false',
  });
  const app = await start(config);
  const url = `http://127.0.0.1:${app.port}/graphql`;
  return {
    url,
    port: app.port,
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
