/**
 * graphql-request 7, unmodified, against the real server over real HTTP: its default POST and its
 * GET mode, both with variables and a Bearer key, answer the data (the request log names the method;
 * only GET answers carry Cache-Control and an ETag); a refused request surfaces as a ClientError
 * carrying the server's HTTP status and `extensions.code`.
 */
import { ClientError, gql, GraphQLClient } from 'graphql-request';
import { factories } from '../support/factories';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

const READER = 'reader-key-graphql-request-0123';
const WRITER = 'writer-key-graphql-request-0123';
const { db, server } = useTestServer('clients_graphql_request', {
  API_KEYS: `reader:${READER},writer:${WRITER}`,
  LOG_LEVEL: 'info',
  QUERY_STATS: '0',
});

const USERS = gql`
  query Users($tier: Tier, $first: Int) {
    communityUsers(first: $first, filter: { tier: $tier }) {
      totalCount
      nodes {
        handle
        tier
        engagementScore
      }
    }
  }
`;
const EXPECTED = {
  communityUsers: {
    totalCount: 2,
    nodes: [
      { handle: 'gr-ada', tier: 'CHAMPION', engagementScore: 95 },
      { handle: 'gr-bob', tier: 'CHAMPION', engagementScore: 80 },
    ],
  },
};

beforeAll(async () => {
  const f = factories(db.pool);
  await f.user({ handle: 'gr-bob', tier: 'champion', engagementScore: 80 });
  await f.user({ handle: 'gr-ada', tier: 'champion', engagementScore: 95 });
  await f.user({ handle: 'gr-cy', tier: 'newcomer', engagementScore: 3 });
});

const requests = () => server.lines.filter((l) => l.msg === 'graphql request').map((l) => ({ method: l.method, operation: l.operation }));
/** The request log's line for the next request, once the server has written it. */
async function nextLogged(run: () => Promise<unknown>) {
  const before = requests().length;
  await run();
  await until('the request log line', () => requests().length > before);
  return requests().slice(before);
}

test('POST (the default) with variables and a key answers the data', async () => {
  const client = new GraphQLClient(server.url, { headers: { authorization: `Bearer ${READER}` } });
  let data: unknown;
  expect(await nextLogged(async () => (data = await client.request(USERS, { tier: 'CHAMPION', first: 10 })))).toEqual([
    { method: 'POST', operation: 'Users' },
  ]);
  expect(data).toEqual(EXPECTED);
});

test("GET mode with variables and a key answers the data, with GET's caching headers", async () => {
  const client = new GraphQLClient(server.url, { method: 'GET', headers: { authorization: `Bearer ${READER}` } });
  let raw: Awaited<ReturnType<typeof client.rawRequest>> | undefined;
  expect(await nextLogged(async () => (raw = await client.rawRequest(USERS, { tier: 'CHAMPION', first: 10 })))).toEqual([
    { method: 'GET', operation: 'Users' },
  ]);
  expect(raw!.status).toBe(200);
  expect(raw!.data).toEqual(EXPECTED);
  expect(raw!.headers.get('cache-control')).toBe('private, max-age=0');
  expect(raw!.headers.get('etag')).toMatch(/^W\//);
});

test('a mutation with a writer key over POST writes and answers the row', async () => {
  const client = new GraphQLClient(server.url, { headers: { authorization: `Bearer ${WRITER}` } });
  const data = await client.request<{ upsertCommunityUser: { id: string; handle: string; tier: string } }>(
    gql`
      mutation Upsert($input: UpsertCommunityUserInput!) {
        upsertCommunityUser(input: $input) {
          id
          handle
          tier
        }
      }
    `,
    { input: { handle: 'gr-dee', platform: 'TIKTOK' } },
  );
  expect(data.upsertCommunityUser).toEqual({ id: expect.stringMatching(/^\d+$/), handle: 'gr-dee', tier: 'NEWCOMER' });
  const row = await db.pool.query('SELECT handle, platform FROM community_users WHERE id = $1', [data.upsertCommunityUser.id]);
  expect(row.rows).toEqual([{ handle: 'gr-dee', platform: 'tiktok' }]);
});

describe('errors surface as ClientError with the server status and extensions.code', () => {
  const refused = async (client: GraphQLClient, document: string, variables?: Record<string, unknown>): Promise<ClientError> => {
    const err = await client.request(document, variables).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientError);
    return err as ClientError;
  };

  test.each(['POST', 'GET'] as const)('%s: a bad argument is BAD_USER_INPUT naming it', async (method) => {
    const client = new GraphQLClient(server.url, { method, headers: { authorization: `Bearer ${READER}` } });
    const err = await refused(client, USERS, { tier: 'CHAMPION', first: 500 });
    expect(err.response.status).toBe(200);
    expect(err.response.data).toBeNull(); // communityUsers is non-null: its error nulls the whole data
    expect(err.response.errors).toEqual([
      expect.objectContaining({
        path: ['communityUsers'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'first' }),
      }),
    ]);
  });

  test.each(['POST', 'GET'] as const)('%s: no key is 401 UNAUTHENTICATED', async (method) => {
    const err = await refused(new GraphQLClient(server.url, { method }), USERS, { tier: 'CHAMPION' });
    expect(err.response.status).toBe(401);
    expect(err.response.errors!.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  test('a reader key asking for a write is 403 FORBIDDEN, and nothing is written', async () => {
    const client = new GraphQLClient(server.url, { headers: { authorization: `Bearer ${READER}` } });
    const err = await refused(client, 'mutation { upsertCommunityUser(input: { handle: "gr-eve", platform: YOUTUBE }) { id } }');
    expect(err.response.status).toBe(403);
    expect(err.response.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM community_users WHERE handle = 'gr-eve'`)).rows[0].n).toBe(0);
  });
});
