/**
 * Access over HTTP: the status of refused requests (401 with a Bearer challenge, 403, or 200 when
 * some field could run), introspection by INTROSPECTION, and /metrics behind METRICS_KEY or an
 * admin key. The role matrix of every field is test/access.test.ts.
 */
import { loadConfig } from '../src/config';
import { rowCounts } from './support/factories';
import type { TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';

const KEYS = { reader: 'reader-key-http-0123456789', writer: 'writer-key-http-0123456789', admin: 'admin-key-http-0123456789' };
const METRICS_KEY = 'scraper-key-0123456789';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

const apiKeys = Object.entries(KEYS)
  .map(([role, key]) => `${role}:${key}`)
  .join(',');
const { db, server: keyed, serve } = useTestServer('http_access', { API_KEYS: apiKeys, METRICS_KEY, QUERY_STATS: '0' });
const open = serve({ QUERY_STATS: '0' });
const closed = serve({ INTROSPECTION: 'off', QUERY_STATS: '0' });

interface Answer {
  status: number;
  challenge: string | null;
  body: any;
}

async function post(server: TestServer, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() };
}
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const NO_KEY = 'A valid API key is required: send Authorization: Bearer <key>';
const UNKNOWN_KEY = 'Unknown API key: send Authorization: Bearer <key> with a key from API_KEYS';

describe('the HTTP status of a refusal', () => {
  const QUERY = '{ insights(first: 1) { totalCount } }';

  test('no key: 401 with a Bearer challenge and the GraphQL body', async () => {
    expect(await post(keyed, QUERY)).toEqual({
      status: 401,
      challenge: 'Bearer',
      body: {
        errors: [{ message: NO_KEY, locations: [{ line: 1, column: 3 }], path: ['insights'], extensions: { code: 'UNAUTHENTICATED' } }],
        data: null,
      },
    });
  });

  test('an unknown key: 401, invalid_token', async () => {
    const res = await post(keyed, QUERY, bearer('not-a-key'));
    expect(res.status).toBe(401);
    expect(res.challenge).toBe('Bearer error="invalid_token"');
    expect(res.body.errors.map((e: any) => e.message)).toEqual([UNKNOWN_KEY]);
  });

  test('a role too low: 403, nothing written', async () => {
    const before = await rowCounts(db.pool);
    const res = await post(keyed, 'mutation { createInsight(input: { topic: "reader tries" }) { id } }', bearer(KEYS.reader));
    expect(res).toEqual({
      status: 403,
      challenge: null,
      body: {
        errors: [
          {
            message: 'Mutation.createInsight needs the writer role; this key has reader',
            locations: [{ line: 1, column: 12 }],
            path: ['createInsight'],
            extensions: { code: 'FORBIDDEN' },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(db.pool)).toEqual(before);
  });

  test('every top-level field refused, through aliases and fragments: 401', async () => {
    const res = await post(keyed, 'query { a: insights(first: 1) { totalCount } ...F } fragment F on Query { b: insight(id: "1") { id } }');
    expect(res.status).toBe(401);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual([['a'], ['b']]); // resolvers finish in any order
  });

  test('a field that could run (__typename): 200 with data and errors', async () => {
    const res = await post(keyed, '{ __typename insight(id: "1") { id } }');
    expect(res).toEqual({
      status: 200,
      challenge: null,
      body: {
        errors: [{ message: NO_KEY, locations: [{ line: 1, column: 14 }], path: ['insight'], extensions: { code: 'UNAUTHENTICATED' } }],
        data: { __typename: 'Query', insight: null },
      },
    });
  });

  test('application/graphql-response+json: 401 when data is null, 200 when it is not (the spec wants 2xx then)', async () => {
    expect((await post(keyed, QUERY, { accept: GRAPHQL_RESPONSE })).status).toBe(401);
    const nullable = await post(keyed, '{ insight(id: "1") { id } }', { accept: GRAPHQL_RESPONSE });
    expect(nullable.status).toBe(200);
    expect(nullable.body.data).toEqual({ insight: null });
    // With application/json the same answer is 401: nothing ran.
    expect((await post(keyed, '{ insight(id: "1") { id } }')).status).toBe(401);
  });

  test('a key that may: 200', async () => {
    expect(await post(keyed, QUERY, bearer(KEYS.reader))).toEqual({
      status: 200,
      challenge: null,
      body: { data: { insights: { totalCount: 0 } } },
    });
  });
});

describe('INTROSPECTION', () => {
  const SCHEMA = '{ __schema { queryType { name } } }';
  const TYPE = '{ __type(name: "Insight") { name } }';
  const introspectionRefused = (message: string) => ({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });

  test('defaults: reader with API_KEYS, public without', () => {
    expect(loadConfig({ API_KEYS: `reader:${KEYS.reader}` }).introspection).toBe('reader');
    expect(loadConfig({}).introspection).toBe('public');
    expect(loadConfig({ API_KEYS: `reader:${KEYS.reader}`, INTROSPECTION: 'public' }).introspection).toBe('public');
    expect(() => loadConfig({ INTROSPECTION: 'yes' })).toThrow('INTROSPECTION must be public, reader or off, got "yes"');
  });

  test.each([
    ['__schema', SCHEMA],
    ['__type', TYPE],
    ['__schema in a fragment', 'query { ...F } fragment F on Query { __schema { queryType { name } } }'],
    ['__schema beside __typename', `{ __typename ${SCHEMA.slice(1)}`],
  ])('reader: %s without a key is 401, UNAUTHENTICATED, no data', async (_name, query) => {
    expect(await post(keyed, query)).toEqual({
      status: 401,
      challenge: 'Bearer',
      body: introspectionRefused('Introspection needs a valid API key (INTROSPECTION=reader): send Authorization: Bearer <key>'),
    });
  });

  test('reader: an unknown key is refused too', async () => {
    expect(await post(keyed, SCHEMA, bearer('not-a-key'))).toEqual({
      status: 401,
      challenge: 'Bearer error="invalid_token"',
      body: introspectionRefused(
        'Unknown API key: introspection needs a valid API key (INTROSPECTION=reader): send Authorization: Bearer <key>',
      ),
    });
  });

  test.each(Object.keys(KEYS) as (keyof typeof KEYS)[])('reader: the %s key may introspect', async (role) => {
    expect(await post(keyed, `{ ${SCHEMA.slice(1, -1)} ${TYPE.slice(1, -1)} }`, bearer(KEYS[role]))).toEqual({
      status: 200,
      challenge: null,
      body: { data: { __schema: { queryType: { name: 'Query' } }, __type: { name: 'Insight' } } },
    });
  });

  test('reader: __typename alone needs no key', async () => {
    expect(await post(keyed, '{ __typename }')).toEqual({ status: 200, challenge: null, body: { data: { __typename: 'Query' } } });
  });

  test('public (an open server): anyone', async () => {
    expect((await post(open, SCHEMA)).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  test('off: refused for everyone as a validation error; __typename still answers', async () => {
    const refused = {
      errors: [{ message: 'Introspection is off on this server (INTROSPECTION=off).', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    };
    expect(await post(closed, SCHEMA)).toEqual({ status: 200, challenge: null, body: refused });
    expect(await post(closed, TYPE, { accept: GRAPHQL_RESPONSE })).toEqual({ status: 400, challenge: null, body: refused });
    expect((await post(closed, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('/metrics', () => {
  const metrics = async (server: TestServer, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      challenge: res.headers.get('www-authenticate'),
      text: await res.text(),
    };
  };

  test.each([
    ['METRICS_KEY', bearer(METRICS_KEY)],
    ['an admin key', bearer(KEYS.admin)],
  ])('with API_KEYS: %s reads it', async (_name, headers) => {
    const res = await metrics(keyed, headers);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toContain('# TYPE graphql_requests_total counter');
  });

  test.each([
    ['no key', {}],
    ['a reader key', bearer(KEYS.reader)],
    ['a writer key', bearer(KEYS.writer)],
    ['an unknown key', bearer('not-a-key')],
    ['METRICS_KEY without Bearer', { authorization: METRICS_KEY }],
  ])('with API_KEYS: %s gets 401', async (_name, headers) => {
    expect(await metrics(keyed, headers)).toEqual({
      status: 401,
      type: 'application/json; charset=utf-8',
      challenge: 'Bearer',
      text: JSON.stringify({
        errors: [
          {
            message: '/metrics needs Authorization: Bearer <key> with METRICS_KEY or an admin key',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      }),
    });
  });

  test('without API_KEYS it is open', async () => {
    const res = await metrics(open);
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE graphql_requests_total counter');
  });
});
