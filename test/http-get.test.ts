/**
 * GET queries as standard clients send them, over real HTTP: urql's and graphql-request's GET
 * carry no preflight-forcing header and must work; mutations over GET stay 405; a POST that a
 * cross-site form could send stays 415. GET answers carry Cache-Control and a weak ETag, and a
 * matching If-None-Match gets a 304 with no body.
 */
import { loadConfig } from '../src/config';
import { factories } from './support/factories';
import type { TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';

const KEY = 'reader-key-get-0123456789';
// The Accept headers these clients send with a GET (and nothing else: no content-type, no Apollo header).
const URQL_ACCEPT = 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';
const GRAPHQL_REQUEST_ACCEPT = 'application/graphql-response+json, application/json';

const QUERY = 'query Top($n: Int) { insights(first: $n) { totalCount nodes { topic score } } }';
const DATA = {
  insights: {
    totalCount: 2,
    nodes: [
      { topic: 'get b', score: 0.25 },
      { topic: 'get a', score: 0.75 },
    ],
  },
};

const { db, server: keyed, serve } = useTestServer('http_get', { API_KEYS: `reader:${KEY}`, QUERY_STATS: '0' });
const open = serve({ QUERY_STATS: '0' });
const publicCache = serve({ QUERY_STATS: '0', HTTP_PUBLIC_MAX_AGE: '30' });

beforeAll(async () => {
  const f = factories(db.pool);
  await f.insight({ topic: 'get a', score: 0.75 });
  await f.insight({ topic: 'get b', score: 0.25 });
});

const getUrl = (server: TestServer, query: string, variables?: object, operationName?: string) => {
  const url = new URL(server.url);
  if (operationName) url.searchParams.set('operationName', operationName);
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  return url.toString();
};

describe('GET queries from standard clients', () => {
  test.each([
    ['urql 6 defaults', URQL_ACCEPT, 'application/graphql-response+json; charset=utf-8'],
    ['graphql-request GET', GRAPHQL_REQUEST_ACCEPT, 'application/graphql-response+json; charset=utf-8'],
    ['no Accept at all', undefined, 'application/json; charset=utf-8'],
  ])('%s: 200 with the data', async (_name, accept, contentType) => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, ...(accept ? { accept } : {}) };
    const res = await fetch(getUrl(keyed, QUERY, { n: 2 }, 'Top'), { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(contentType);
    expect(await res.json()).toEqual({ data: DATA });
  });

  test.each([
    ['a mutation', 'mutation { createInsight(input: { topic: "over get" }) { id } }', 'mutation'],
    ['an agent run', 'mutation { recomputeEngagementScores { run { id } } }', 'mutation'],
  ])('%s over GET stays 405 and writes nothing', async (_name, query, kind) => {
    const res = await fetch(getUrl(open, query), { headers: { accept: URQL_ACCEPT } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toEqual({
      errors: [{ message: `GET requests only support query operations, not ${kind} operations`, extensions: { code: 'BAD_REQUEST' } }],
    });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM insights')).rows[0].n).toBe(2);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM agent_logs')).rows[0].n).toBe(0);
  });

  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'a POST a cross-site form could send (%s) stays 415',
    async (type) => {
      const res = await fetch(open.url, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.status).toBe(415);
    },
  );

  test('a cross-site GET carries no key: with API_KEYS it gets nothing (401)', async () => {
    const res = await fetch(getUrl(keyed, QUERY, { n: 2 }));
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).data).toBeNull();
  });
});

describe('HTTP caching of GET answers', () => {
  test('private, max-age=0 and a weak ETag; If-None-Match gets a 304 with no body', async () => {
    const url = getUrl(keyed, QUERY, { n: 2 });
    const headers = { authorization: `Bearer ${KEY}`, accept: URQL_ACCEPT };
    const first = await fetch(url, { headers });
    const body = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, max-age=0');
    expect(first.headers.get('vary')).toBe('Origin, Accept');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);

    const again = await fetch(url, { headers: { ...headers, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('private, max-age=0');
    expect(again.headers.get('content-type')).toBeNull();
    expect(await again.text()).toBe('');
    // A list of validators, strong or weak, matches weakly.
    const strong = etag.slice(2);
    expect((await fetch(url, { headers: { ...headers, 'if-none-match': `W/"other", ${strong}` } })).status).toBe(304);
    expect((await fetch(url, { headers: { ...headers, 'if-none-match': 'W/"other"' } })).status).toBe(200);

    // Another answer, another tag: the stale validator gets the full new answer.
    await factories(db.pool).insight({ topic: 'get c', score: 0.5 });
    const changed = await fetch(url, { headers: { ...headers, 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(JSON.parse(await changed.text()).data.insights.totalCount).toBe(3);
    expect(JSON.parse(body)).toEqual({ data: DATA });
    await db.pool.query("DELETE FROM insights WHERE topic = 'get c'");
  });

  test('answers with errors and refusals are private too, and only 200s get an ETag', async () => {
    const invalid = await fetch(getUrl(keyed, '{ nope }'), { headers: { authorization: `Bearer ${KEY}` } });
    expect(invalid.status).toBe(200); // application/json: document errors are 200
    expect(invalid.headers.get('cache-control')).toBe('private, max-age=0');
    expect(invalid.headers.get('etag')).toMatch(/^W\//);
    const refused = await fetch(getUrl(keyed, QUERY));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('private, max-age=0');
    expect(refused.headers.get('etag')).toBeNull();
  });

  test('POST answers get neither', async () => {
    const res = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
  });

  test('HTTP_PUBLIC_MAX_AGE on an open server: public for anonymous answers without errors', async () => {
    const url = getUrl(publicCache, QUERY, { n: 2 });
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=30');
    expect(await anonymous.json()).toEqual({ data: DATA });

    const withKey = await fetch(url, { headers: { authorization: 'Bearer anything' } });
    expect(withKey.headers.get('cache-control')).toBe('private, max-age=0');
    const withErrors = await fetch(getUrl(publicCache, '{ insights(first: 101) { totalCount } }'));
    expect(((await withErrors.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(withErrors.headers.get('cache-control')).toBe('private, max-age=0');
    // Without HTTP_PUBLIC_MAX_AGE an open server's answers stay private.
    expect((await fetch(getUrl(open, QUERY))).headers.get('cache-control')).toBe('private, max-age=0');
  });

  test('HTTP_PUBLIC_MAX_AGE is refused with API_KEYS', () => {
    expect(() => loadConfig({ API_KEYS: `reader:${KEY}`, HTTP_PUBLIC_MAX_AGE: '30' })).toThrow(
      'HTTP_PUBLIC_MAX_AGE is refused with API_KEYS set',
    );
    expect(loadConfig({ API_KEYS: `reader:${KEY}`, HTTP_PUBLIC_MAX_AGE: '0' }).httpPublicMaxAge).toBe(0);
    expect(loadConfig({}).httpPublicMaxAge).toBe(0);
  });
});
