/**
 * Operations (docs/api.md): /healthz, /readyz, /metrics in
 * Prometheus text, one JSON log line per request, and the GraphiQL page and assets served by this
 * server with no URL elsewhere.
 */
import { useTestServer } from './support/use-test-server';

const { server } = useTestServer('ops', { QUERY_STATS: '0', LOG_LEVEL: 'info' });
let base: string;
let lines: Record<string, any>[];

beforeAll(() => {
  base = `http://127.0.0.1:${server.port}`;
  lines = server.lines;
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('/healthz and /readyz', async () => {
  const health = await fetch(`${base}/healthz`);
  expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  const ready = await fetch(`${base}/readyz`);
  expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
});

test('one JSON log line per request: operation, duration, SQL statements, outcome', async () => {
  const before = lines.filter((l) => l.msg === 'graphql request').length;
  await post({ query: 'query LogMe { insights(first: 2) { totalCount nodes { id } } }' });
  await post({ query: 'query LogMeToo { insight(id: "x") { id } }' });
  await post({ query: '{' });
  await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
  const logged = lines.filter((l) => l.msg === 'graphql request').slice(before);
  expect(logged).toHaveLength(4);
  expect(logged[0]).toMatchObject({ level: 'info', operation: 'LogMe', outcome: 'success', status: 200, sqlQueries: 2, method: 'POST' });
  expect(logged[1]).toMatchObject({ operation: 'LogMeToo', outcome: 'client_error', sqlQueries: 0, errorCodes: ['BAD_USER_INPUT'] });
  expect(logged[2]).toMatchObject({ operation: '(anonymous)', outcome: 'client_error', errorCodes: ['GRAPHQL_PARSE_FAILED'] });
  expect(logged[3]).toMatchObject({ operation: '(none)', outcome: 'client_error', status: 400 });
  for (const l of logged) {
    expect(typeof l.durationMs).toBe('number');
    expect(typeof l.time).toBe('string');
  }
});

test('/metrics: requests and latency by operation and outcome, pool gauges', async () => {
  for (let i = 0; i < 3; i++) await post({ query: 'query Counted { insights(first: 1) { totalCount } }' });
  await post({ query: 'query Counted { insight(id: "0") { id } }' });
  const res = await fetch(`${base}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  expect(text).toMatch(/^graphql_requests_total\{operation="Counted",outcome="success"\} 3$/m);
  expect(text).toMatch(/^graphql_requests_total\{operation="Counted",outcome="client_error"\} 1$/m);
  expect(text).toMatch(/^graphql_request_duration_seconds_count\{operation="Counted",outcome="success"\} 3$/m);
  expect(text).toMatch(/^graphql_request_duration_seconds_bucket\{le="\+Inf",operation="Counted",outcome="success"\} 3$/m);
  expect(text).toMatch(/^graphql_sql_statements_total\{operation="Counted"\} 6$/m); // page + count, 3 times
  for (const gauge of ['db_pool_total_connections', 'db_pool_idle_connections', 'db_pool_waiting_clients', 'db_pool_max_connections']) {
    expect(text).toMatch(new RegExp(`^${gauge} \\d+$`, 'm'));
  }
  expect(text).toMatch(/^db_pool_max_connections 10$/m);
  expect(text).toMatch(/^process_cpu_seconds_total /m);
});

test('operation names from clients cannot grow the metrics without bound', async () => {
  for (let i = 0; i < 210; i++) await post({ query: `query Op${i} { __typename }` });
  const text = await (await fetch(`${base}/metrics`)).text();
  const names = new Set([...text.matchAll(/^graphql_requests_total\{operation="([^"]+)"/gm)].map((m) => m[1]));
  expect(names.size).toBeLessThanOrEqual(201);
  expect(names.has('(other)')).toBe(true);
});

describe('GraphiQL', () => {
  test('a browser asking for /graphql gets the page; every asset URL is on this server', async () => {
    const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== 'data:,');
    expect(urls.sort()).toEqual([
      '/graphiql/graphiql.min.css',
      '/graphiql/graphiql.min.js',
      '/graphiql/page.css',
      '/graphiql/react-dom.production.min.js',
      '/graphiql/react.production.min.js',
      '/graphiql/start.js',
    ]);
    for (const u of urls) {
      const asset = await fetch(`${base}${u}`);
      expect([u, asset.status]).toEqual([u, 200]);
      expect(asset.headers.get('content-type')).toMatch(u.endsWith('.css') ? /^text\/css/ : /^application\/javascript/);
      if (u === '/graphiql/start.js') expect(await asset.text()).not.toMatch(/https?:\/\//);
      else await asset.arrayBuffer();
    }
    expect((await fetch(`${base}/graphiql/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/graphiql/..%2Fpackage.json`)).status).toBe(404);
  });

  test('API clients on GET /graphql still get GraphQL (no landing page)', async () => {
    const res = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': '1' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
