/**
 * urql 6 (@urql/core) with its default options, unmodified, against the real server over real HTTP:
 * queries go out as GET (the server's request log says which method each request came with) and
 * answer the data; a mutation goes out as POST and writes; urql's document cache then refetches the
 * query whose result holds the mutated type (Insight), again over GET.
 */
import { cacheExchange, Client, createClient, fetchExchange, gql } from '@urql/core';
import { factories } from '../support/factories';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

const { db, server } = useTestServer('clients_urql', { LOG_LEVEL: 'info', QUERY_STATS: '0' });

const TOP = gql`
  query Top($n: Int!, $minScore: Float) {
    insights(first: $n, minScore: $minScore) {
      totalCount
      nodes {
        id
        topic
        score
      }
    }
  }
`;
const CREATE = gql`
  mutation Create($input: CreateInsightInput!) {
    createInsight(input: $input) {
      id
      topic
      score
    }
  }
`;

let client: Client;

beforeAll(async () => {
  const f = factories(db.pool);
  await f.insight({ topic: 'urql low', score: 0.1, createdAt: new Date('2026-01-01T00:00:00Z') });
  await f.insight({ topic: 'urql high', score: 0.9, createdAt: new Date('2026-01-02T00:00:00Z') });
  await f.insight({ topic: 'urql mid', score: 0.5, createdAt: new Date('2026-01-03T00:00:00Z') });
  // Nothing but the defaults: urql sends queries over GET when the URL stays under its length limit.
  client = createClient({ url: server.url, exchanges: [cacheExchange, fetchExchange] });
});

/** The server's request-log lines so far: one per request, with its method, operation name and status. */
const requests = () =>
  server.lines.filter((l) => l.msg === 'graphql request').map((l) => ({ method: l.method, operation: l.operation, status: l.status }));

test('a query goes over GET with the defaults and answers the data; the same query again comes from the cache', async () => {
  const before = requests().length;
  const result = await client.query(TOP, { n: 5, minScore: 0.3 }).toPromise();
  expect(result.error).toBeUndefined();
  expect(result.data).toEqual({
    insights: {
      __typename: 'InsightConnection',
      totalCount: 2,
      nodes: [
        { __typename: 'Insight', id: expect.any(String), topic: 'urql mid', score: 0.5 },
        { __typename: 'Insight', id: expect.any(String), topic: 'urql high', score: 0.9 },
      ],
    },
  });
  await until('the request log line', () => requests().length > before);
  expect(requests().slice(before)).toEqual([{ method: 'GET', operation: 'Top', status: 200 }]);

  const again = await client.query(TOP, { n: 5, minScore: 0.3 }).toPromise();
  expect(again.data).toEqual(result.data);
  expect(again.operation.context.meta?.cacheOutcome).toBe('hit');
  expect(requests()).toHaveLength(before + 1);
});

test('a mutation goes over POST and writes; the cached query holding that type is fetched again over GET', async () => {
  const first = await client.query(TOP, { n: 5 }).toPromise();
  expect(first.data.insights.totalCount).toBe(3);
  const before = requests().length;

  const seen: number[] = [];
  const watching = client.query(TOP, { n: 5 }).subscribe((r) => r.data && seen.push(r.data.insights.totalCount));
  try {
    const created = await client.mutation(CREATE, { input: { topic: 'urql new', score: 0.7 } }).toPromise();
    expect(created.error).toBeUndefined();
    expect(created.data.createInsight).toEqual({
      __typename: 'Insight',
      id: expect.stringMatching(/^\d+$/),
      topic: 'urql new',
      score: 0.7,
    });
    const row = await db.pool.query('SELECT topic, score FROM insights WHERE id = $1', [created.data.createInsight.id]);
    expect(row.rows).toEqual([{ topic: 'urql new', score: 0.7 }]);

    // The mutation's result names Insight: urql's cacheExchange drops the cached query and fetches it again.
    await until('the watched query to see the new insight', () => seen.includes(4));
    await until('both request log lines', () => requests().length >= before + 2);
    expect(requests().slice(before)).toEqual([
      { method: 'POST', operation: 'Create', status: 200 },
      { method: 'GET', operation: 'Top', status: 200 },
    ]);
  } finally {
    watching.unsubscribe();
  }
  const latest = await client.query(TOP, { n: 5 }).toPromise();
  expect(latest.data.insights.nodes.map((n: { topic: string }) => n.topic)).toEqual(['urql new', 'urql mid', 'urql high', 'urql low']);
});
