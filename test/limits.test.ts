/**
 * Abuse limits (docs/api.md): depth 10, aliases 30, cost 20000, body 1 MB, statement timeout 30 s for
 * reads; each configurable by env, each refusal naming the limit and its value.
 */
import type { GqlResult, TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server: defaults, serve } = useTestServer('limits', { QUERY_STATS: '0' });
const tight = serve({
  QUERY_STATS: '0',
  MAX_QUERY_DEPTH: '4',
  MAX_QUERY_ALIASES: '2',
  MAX_QUERY_COST: '100',
  MAX_BODY_BYTES: '2048',
  READ_STATEMENT_TIMEOUT_MS: '700',
});

const only = (res: GqlResult) => {
  expect(res.errors).toHaveLength(1);
  return { code: res.errors![0].extensions?.code, message: res.errors![0].message };
};

/** A query exactly `depth` fields deep: communityUsers > nodes > interactions > nodes > user > ... */
function nested(depth: number): string {
  const cycle = ['interactions(first: 1)', 'nodes', 'user'];
  const chain = ['communityUsers(first: 1)', 'nodes'];
  while (chain.length < depth - 1) chain.push(cycle[(chain.length - 2) % 3]);
  const leaf = /first/.test(chain[chain.length - 1]) ? 'totalCount' : 'id';
  return `{ ${chain.map((f) => `${f} {`).join(' ')} ${leaf} ${'}'.repeat(chain.length)} }`;
}

describe('depth', () => {
  test('10 levels pass, 11 are refused naming the limit', async () => {
    expect((await defaults.gql(nested(10))).errors).toBeUndefined();
    expect(only(await defaults.gql(nested(11)))).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'Query depth limit of 10 exceeded, found 11 (MAX_QUERY_DEPTH).',
    });
  });

  test('fragments do not hide depth', async () => {
    const q = `{ communityUsers(first: 1) { nodes { ...Deep } } }
      fragment Deep on CommunityUser { interactions(first: 1) { nodes { user { interactions(first: 1) { nodes { user { interactions(first: 1) { nodes { id } } } } } } } } }`;
    expect(only(await defaults.gql(q)).message).toBe('Query depth limit of 10 exceeded, found 11 (MAX_QUERY_DEPTH).');
  });

  test('MAX_QUERY_DEPTH sets it', async () => {
    expect((await tight.gql(nested(4))).errors).toBeUndefined();
    expect(only(await tight.gql(nested(5))).message).toBe('Query depth limit of 4 exceeded, found 5 (MAX_QUERY_DEPTH).');
  });

  test('the introspection query is exempt', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const res = await tight.gql(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
  });

  test('introspection that nests lists in cycles is refused (graphql-js MaxIntrospectionDepthRule)', async () => {
    const res = await defaults.gql('{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }');
    expect(only(res)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: 'Maximum introspection depth exceeded' });
  });
});

describe('aliases', () => {
  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: insights(first: 1) { totalCount }`).join(' ')} }`;
  test('30 pass, 31 are refused naming the limit', async () => {
    expect((await defaults.gql(aliased(30))).errors).toBeUndefined();
    expect(only(await defaults.gql(aliased(31)))).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'Aliases limit of 30 exceeded, found 31 (MAX_QUERY_ALIASES).',
    });
  });
  test('MAX_QUERY_ALIASES sets it', async () => {
    expect(only(await tight.gql(aliased(3))).message).toBe('Aliases limit of 2 exceeded, found 3 (MAX_QUERY_ALIASES).');
  });
});

describe('cost: a list field costs 1 + first x its selection', () => {
  // insights(first: F) { nodes { contentPlans(first: 100) { nodes { id title } } } }
  //   = 1 + F * (nodes: 1 + (contentPlans: 1 + 100 * (nodes: 1 + 2)))  = 1 + F * 302
  const Q = 'query Plans($n: Int) { insights(first: $n) { nodes { contentPlans(first: 100) { nodes { id title } } } } }';
  const cost = (first: number) => 1 + first * 302;

  test('over 20000 is refused, naming the limit and the cost found', async () => {
    expect(cost(100)).toBe(30201);
    expect(only(await defaults.gql(Q, { n: 100 }))).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message:
        'Query cost limit of 20000 exceeded, found 30201 (MAX_QUERY_COST; a list field costs first x its selection, ' +
        'an aggregate 1000 + its rows x their selection).',
    });
  });

  test('the cost follows first, from a variable or the default (20)', async () => {
    expect((await defaults.gql(Q, { n: 50 })).errors).toBeUndefined(); // 15101
    expect((await defaults.gql(Q, {})).errors).toBeUndefined(); // 6041
    expect((await defaults.gql(Q, { n: 66 })).errors).toBeUndefined(); // 19933: just under
    expect(only(await defaults.gql(Q, { n: 67 })).message).toContain('found 20235 '); // just over
  });

  test('first outside 0..100 stays BAD_USER_INPUT (the cost counts it as 100)', async () => {
    const res = await defaults.gql('{ insights(first: 1000) { totalCount } }');
    expect(only(res)).toEqual({ code: 'BAD_USER_INPUT', message: 'Invalid input: first: must be between 0 and 100, got 1000' });
  });

  test('MAX_QUERY_COST sets it', async () => {
    expect(only(await tight.gql('{ insights(first: 100) { totalCount } }')).message).toBe(
      'Query cost limit of 100 exceeded, found 101 (MAX_QUERY_COST; a list field costs first x its selection, an aggregate 1000 + its rows x their selection).',
    );
  });
});

describe('request body', () => {
  const post = (port: number, body: string) =>
    fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  test('over 1 MB: HTTP 413 with a GraphQL-shaped error naming the limit', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024) } });
    const res = await post(defaults.port, body);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'Request body is larger than the limit of 1048576 bytes (MAX_BODY_BYTES)',
          extensions: { code: 'BAD_REQUEST', limit: 1048576 },
        },
      ],
    });
  });

  test('just under 1 MB is read', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024 - 100) } });
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
    const res = await post(defaults.port, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('MAX_BODY_BYTES sets it', async () => {
    const res = await post(tight.port, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(3000) } }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as GqlResult).errors![0].message).toContain('limit of 2048 bytes');
  });
});

describe('tokens', () => {
  test('a document of more than 5000 tokens is not parsed', async () => {
    const q = `{ ${'__typename '.repeat(5_001)}}`;
    const e = only(await defaults.gql(q));
    expect(e.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(e.message).toBe('Query token limit of 5000 exceeded (MAX_QUERY_TOKENS); parsing aborted.');
  });
});

describe('statement timeout for reads', () => {
  test('the pool sets 30 s by default and READ_STATEMENT_TIMEOUT_MS changes it', async () => {
    const show = async (app: TestServer) => (await app.pool.query('SHOW statement_timeout')).rows[0].statement_timeout;
    expect(await show(defaults)).toBe('30s');
    expect(await show(tight)).toBe('700ms');
  });

  test('a read that waits past it fails with a message naming the limit', async () => {
    // The test holds an ACCESS EXCLUSIVE lock on insights: the server's read waits for it until
    // its statement timeout cancels it.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE insights IN ACCESS EXCLUSIVE MODE');
      const res = await tight.gql('{ insights(first: 1) { totalCount } }');
      expect(only(res)).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Query took longer than the statement timeout of 700 ms (READ_STATEMENT_TIMEOUT_MS)',
      });
      expect(res.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', reason: 'STATEMENT_TIMEOUT' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
