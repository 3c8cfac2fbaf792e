/**
 * CORS on /graphql over real HTTP: preflights from listed origins (exact matches only), the headers
 * of actual requests, `Vary: Origin` on every answer, `*` on an open server, and the start-up
 * refusals of CORS_ORIGINS. The browser's side of it: test/frontend/cors-browser.test.ts.
 */
import { loadConfig } from '../src/config';
import { factories } from './support/factories';
import { runServerOnce } from './support/child-server';
import { useTestServer } from './support/use-test-server';

const APP = 'http://app.example.test:5173';
const ADMIN = 'https://admin.example.test';
const KEY = 'reader-key-cors-0123456789';
const ALLOWED_HEADERS = [
  'authorization, content-type, accept, apollo-require-preflight, x-apollo-operation-name',
  'apollographql-client-name, apollographql-client-version, x-min-lsn',
].join(', ');

const { db, server: keyed, serve } = useTestServer('cors', { API_KEYS: `reader:${KEY}`, CORS_ORIGINS: `${APP}, ${ADMIN}` });
const open = serve({ CORS_ORIGINS: '*', CORS_MAX_AGE_SECONDS: '60', QUERY_STATS: '0' });

beforeAll(async () => {
  await factories(db.pool).insight({ topic: 'cors', score: 0.5 });
});

const preflight = (url: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

const corsHeaders = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control-') || k === 'vary' || k === 'allow'));

describe('preflight', () => {
  test.each([APP, ADMIN])('a listed origin (%s): 204 with the methods, headers and max-age', async (origin) => {
    const res = await preflight(keyed.url, origin);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
      'access-control-expose-headers': 'www-authenticate, x-min-lsn',
      allow: 'GET, POST, OPTIONS',
      vary: 'Origin',
    });
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test.each([
    ['another site', 'https://evil.example.test'],
    ['the listed host with another port', 'http://app.example.test:5174'],
    ['the listed host without its port', 'http://app.example.test'],
    ['another scheme', 'https://app.example.test:5173'],
    ['a listed origin as a prefix', 'http://app.example.test:5173.evil.test'],
    ['a listed host as a suffix', 'https://evil-admin.example.test'],
    ['an opaque origin', 'null'],
  ])('%s: 403, no CORS header', async (_name, origin) => {
    const res = await preflight(keyed.url, origin);
    expect(res.status).toBe(403);
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' });
    expect(await res.json()).toEqual({
      errors: [{ message: `Origin ${JSON.stringify(origin)} is not allowed (CORS_ORIGINS)`, extensions: { code: 'FORBIDDEN' } }],
    });
  });

  test('OPTIONS without Origin (not a browser preflight): 204 with Allow', async () => {
    const res = await fetch(keyed.url, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({ allow: 'GET, POST, OPTIONS', vary: 'Origin' });
  });

  test('CORS_ORIGINS=* on an open server: any origin, with CORS_MAX_AGE_SECONDS', async () => {
    const res = await preflight(open.url, 'https://anyone.example.test', 'GET', 'accept');
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '60',
      'access-control-expose-headers': 'www-authenticate, x-min-lsn',
      allow: 'GET, POST, OPTIONS',
      vary: 'Origin',
    });
  });
});

describe('actual requests', () => {
  const QUERY = JSON.stringify({ query: '{ insights(first: 1) { nodes { topic } } }' });
  const post = (origin: string | undefined, extra: Record<string, string> = {}) =>
    fetch(keyed.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...(origin ? { origin } : {}), ...extra },
      body: QUERY,
    });

  test('a listed origin gets its origin back, and the data', async () => {
    const res = await post(APP);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(((await res.json()) as any).data).toEqual({ insights: { nodes: [{ topic: 'cors' }] } });
  });

  test('an unlisted origin is answered without CORS headers (the browser keeps the answer from the page)', async () => {
    const res = await post('https://evil.example.test');
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' });
  });

  test('open server with *: Access-Control-Allow-Origin: *', async () => {
    const res = await fetch(`${open.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: 'https://x.example.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test.each([
    ['POST without Origin', () => post(undefined), 200, 'Origin'],
    [
      'GET query',
      () => fetch(`${keyed.url}?query=%7B__typename%7D`, { headers: { authorization: `Bearer ${KEY}` } }),
      200,
      'Origin, Accept',
    ],
    ['401', () => fetch(`${keyed.url}?query=%7Binsights%7BtotalCount%7D%7D`), 401, 'Origin, Accept'],
    ['415', () => fetch(keyed.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: QUERY }), 415, 'Origin'],
    ['broken JSON', () => fetch(keyed.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'Origin'],
    ['GraphiQL page', () => fetch(keyed.url, { headers: { accept: 'text/html' } }), 200, 'Origin'],
  ])('Vary: Origin on every answer: %s', async (_name, send, status, vary) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers.get('vary')).toBe(vary);
  });
});

describe('CORS_ORIGINS at start-up', () => {
  test.each([
    [{ CORS_ORIGINS: '*', API_KEYS: `reader:${KEY}` }, "CORS_ORIGINS=* is refused with API_KEYS set: list your frontends' origins instead"],
    [{ CORS_ORIGINS: '*, https://a.example.test' }, 'CORS_ORIGINS is either * or a list of origins, not both'],
    [{ CORS_ORIGINS: 'https://a.example.test/' }, 'CORS_ORIGINS entries must be origins such as https://app.example.com'],
    [{ CORS_ORIGINS: 'a.example.test' }, 'got "a.example.test"'],
    [{ CORS_ORIGINS: 'https://a.example.test/app' }, 'got "https://a.example.test/app"'],
    [{ CORS_ORIGINS: 'ftp://a.example.test' }, 'got "ftp://a.example.test"'],
    [{ CORS_MAX_AGE_SECONDS: '-1' }, 'CORS_MAX_AGE_SECONDS must be an integer >= 0, got "-1"'],
  ])('%j is refused', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('exact origins and the defaults', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsMaxAgeSeconds).toBe(600);
    expect(loadConfig({ CORS_ORIGINS: ` ${APP} ,${ADMIN}, ` }).corsOrigins).toEqual([APP, ADMIN]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  test('the server process exits 1 with a one-line message naming the variable', () => {
    const run = runServerOnce({ CORS_ORIGINS: '*', API_KEYS: `reader:${KEY}`, DATABASE_URL: db.url });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("cannot start: CORS_ORIGINS=* is refused with API_KEYS set: list your frontends' origins instead\n");
  });
});
