/**
 * Operation batching over real HTTP (`[{ query }, { query }]` in one POST): off by default,
 * ALLOW_BATCHING=1 turns it on, MAX_BATCH_OPERATIONS caps it, and MAX_QUERY_COST applies to the sum
 * of the operations' costs. (DataLoader batching is test/batching.test.ts.)
 */
import 'reflect-metadata';
import { parse } from 'graphql';
import { queryCost } from '../src/graphql/limits';
import { buildAppSchema } from '../src/schema';
import { factories } from './support/factories';
import type { TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';

const KEY = 'reader-key-batch-0123456789';
const LIST = 'query List($n: Int) { insights(first: $n) { nodes { topic } } }';
const COUNT = 'query Count { insights { totalCount } }';

const { db, server: off, serve, startServer } = useTestServer('http_batch', { QUERY_STATS: '0' });
const keyed = serve({ QUERY_STATS: '0', ALLOW_BATCHING: '1', API_KEYS: `reader:${KEY}` });
let on: TestServer;
let listCost: number;

beforeAll(async () => {
  const f = factories(db.pool);
  await f.insight({ topic: 'batched one', score: 0.1 });
  await f.insight({ topic: 'batched two', score: 0.2 });
  listCost = queryCost({ schema: await buildAppSchema(), query: parse(LIST), variables: { n: 50 } });
  // Two 50-item lists fit under the limit, three do not.
  on = await startServer({
    QUERY_STATS: '0',
    ALLOW_BATCHING: '1',
    MAX_BATCH_OPERATIONS: '3',
    MAX_QUERY_COST: String(2 * listCost + 1),
  });
});

async function batch(server: TestServer, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const NODES = { insights: { nodes: [{ topic: 'batched two' }, { topic: 'batched one' }] } };

test('off by default: 400 naming ALLOW_BATCHING', async () => {
  expect(await batch(off, [{ query: COUNT }, { query: COUNT }])).toEqual({
    status: 400,
    body: {
      errors: [
        {
          message: 'Operation batching is off on this server: send one operation per request (ALLOW_BATCHING).',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    },
  });
});

test('ALLOW_BATCHING=1: one answer per operation, in order, with their own variables and names', async () => {
  const res = await batch(on, [
    { query: LIST, variables: { n: 1 }, operationName: 'List' },
    { query: COUNT },
    { query: LIST, variables: { n: 5 } },
  ]);
  expect(res).toEqual({
    status: 200,
    body: [{ data: { insights: { nodes: [{ topic: 'batched two' }] } } }, { data: { insights: { totalCount: 2 } } }, { data: NODES }],
  });
});

test('over MAX_BATCH_OPERATIONS: 400 with the limit', async () => {
  expect(
    await batch(
      on,
      Array.from({ length: 4 }, () => ({ query: COUNT })),
    ),
  ).toEqual({
    status: 400,
    body: {
      errors: [
        {
          message: 'A batch holds at most 3 operations (MAX_BATCH_OPERATIONS), this one has 4',
          extensions: { code: 'BAD_REQUEST', limit: 3 },
        },
      ],
    },
  });
});

test('an empty batch: 400', async () => {
  expect(await batch(on, [])).toEqual({
    status: 400,
    body: { errors: [{ message: 'No operations found in request.', extensions: { code: 'BAD_REQUEST' } }] },
  });
});

test('MAX_QUERY_COST applies to the sum: the operation that would pass it is refused, the others answer', async () => {
  const op = { query: LIST, variables: { n: 50 } };
  const res = await batch(on, [op, op, op]);
  expect(res.status).toBe(200);
  const refusal = {
    errors: [
      {
        message:
          `Query cost limit of ${2 * listCost + 1} exceeded by this batch: this operation costs ${listCost}, ` +
          `the ones before it ${2 * listCost} (MAX_QUERY_COST applies to the sum).`,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ],
  };
  expect(res.body).toEqual([{ data: NODES }, { data: NODES }, refusal]);
  // Each request has its own budget: the same two operations alone still answer.
  expect((await batch(on, [op, op])).body).toEqual([{ data: NODES }, { data: NODES }]);
});

test('a batch answers 200 even when its operations are refused for their key', async () => {
  const res = await batch(keyed, [{ query: COUNT }, { query: '{ __typename }' }]);
  expect(res.status).toBe(200);
  expect(res.body[0].data).toBeNull();
  expect(res.body[0].errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  expect(res.body[1]).toEqual({ data: { __typename: 'Query' } });
  expect(await batch(keyed, [{ query: COUNT }], { authorization: `Bearer ${KEY}` })).toEqual({
    status: 200,
    body: [{ data: { insights: { totalCount: 2 } } }],
  });
});

test('/metrics counts a batch as one request labelled (batch)', async () => {
  const text = await (await fetch(on.url.replace(/\/graphql$/, '/metrics'))).text();
  const requests = text.split('\n').filter((l) => l.startsWith('graphql_requests_total{'));
  // On this server: two batches answered in full, one with a refusal, two refused before Apollo (over the cap, empty).
  expect(requests.sort()).toEqual([
    'graphql_requests_total{operation="(batch)",outcome="client_error"} 1',
    'graphql_requests_total{operation="(batch)",outcome="success"} 2',
    'graphql_requests_total{operation="(none)",outcome="client_error"} 2',
  ]);
});
