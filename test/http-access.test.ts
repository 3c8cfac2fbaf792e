/**
 * Access over HTTP: the status of refused requests (401 with a Bearer challenge, 403, or 200 when
 * some field could run). The role matrix of every field is test/access.test.ts.
 */
import { rowCounts } from './support/factories';
import { startTestServer, TestServer } from './support/server';
import { createTestDb, TestDb } from './support/test-db';

const KEYS = { reader: 'reader-key-http-0123456789', writer: 'writer-key-http-0123456789', admin: 'admin-key-http-0123456789' };
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

let db: TestDb;
let keyed: TestServer;

beforeAll(async () => {
  db = await createTestDb('http_access');
  const apiKeys = Object.entries(KEYS)
    .map(([role, key]) => `${role}:${key}`)
    .join(',');
  keyed = await startTestServer(db.url, { API_KEYS: apiKeys, QUERY_STATS: '0' });
});
afterAll(async () => {
  await keyed?.stop();
  await db?.drop();
});

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
