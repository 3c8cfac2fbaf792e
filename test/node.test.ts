/**
 * Relay object identification (docs/api.md "Global ids"): every entity type round-trips through
 * Query.node by its nodeId, Query.nodes answers in order with null for rows that do not exist and
 * loads through the per-request DataLoaders (one statement per type), and bad ids are refused.
 */
import { GraphQLInterfaceType, isObjectType } from 'graphql';
import { buildAppSchema } from '../src/schema'; // first: it loads reflect-metadata
import { NODE_TYPES } from '../src/graphql/node';
import { factories } from './support/factories';
import { ok, stats } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server, startServer } = useTestServer('node');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Where each Node type's rows are listed, and the fields that tell them apart. */
const TYPES: [type: string, list: string, fields: string][] = [
  ['Insight', 'insights', 'id topic'],
  ['ContentPlan', 'contentPlans', 'id title'],
  ['PublishedContent', 'contents', 'id platform'],
  ['CommunityUser', 'communityUsers', 'id handle'],
  ['AgentRun', 'agentRuns', 'id agentName'],
  ['PerformanceSnapshot', 'performanceSnapshots', 'id windowDays'],
  ['Strategy', 'strategies', 'id version'],
];
let interactionIds: number[] = [];
let insightIds: number[] = [];
let userIds: number[] = [];

beforeAll(async () => {
  const f = factories(db.pool);
  for (let i = 0; i < 40; i++) insightIds.push((await f.insight({ topic: `topic ${i}` })).id);
  const plan = await f.plan({ insightId: insightIds[0], title: 'the plan' });
  const content = await f.content({ contentPlanId: plan.id, platform: 'tiktok' });
  for (let i = 0; i < 30; i++) userIds.push((await f.user({ handle: `user${i}` })).id);
  for (let i = 0; i < 30; i++) interactionIds.push((await f.interaction({ userId: userIds[i], contentId: content.id })).id);
  const run = await f.run({ agentName: 'PerformanceAnalyticsAgent' });
  const snap = await db.pool.query(
    `INSERT INTO performance_snapshots (as_of, window_days, content_count, total_impressions, by_format, by_platform, top_content_ids, run_id)
     VALUES (now(), 30, 0, 0, '[]', '[]', '{}', $1) RETURNING id`,
    [run.id],
  );
  await db.pool.query(
    `INSERT INTO strategies (version, learning_rate, format_weights, platform_weights, snapshot_id, run_id) VALUES (1, 0.1, '{}', '{}', $1, $2)`,
    [snap.rows[0].id, run.id],
  );
  insightIds = insightIds.map(Number);
  userIds = userIds.map(Number);
  interactionIds = interactionIds.map(Number);
});

test.each(TYPES)('%s: nodeId is base64 of "<type>:<id>" and Query.node answers the same row', async (type, list, fields) => {
  const row = ok(await server.gql(`{ ${list}(first: 1) { nodes { nodeId ${fields} } } }`))[list].nodes[0];
  expect(row.nodeId).toBe(b64(`${type}:${row.id}`));
  const res = await server.gql(`query($id: ID!) { node(id: $id) { __typename nodeId ... on ${type} { ${fields} } } }`, { id: row.nodeId });
  expect(ok(res).node).toEqual({ __typename: type, ...row });
});

test('UserInteraction (no root list of its own) round-trips too', async () => {
  const id = b64(`UserInteraction:${interactionIds[0]}`);
  const data = ok(
    await server.gql(`query($id: ID!) { node(id: $id) { nodeId ... on UserInteraction { id user { nodeId handle } } } }`, { id }),
  );
  expect(data.node).toEqual({
    nodeId: id,
    id: String(interactionIds[0]),
    user: { nodeId: b64(`CommunityUser:${userIds[0]}`), handle: 'user0' },
  });
});

test('nodes: 100 ids of 3 types in one statement per type, in order, null where no row exists', async () => {
  const ids = [
    ...insightIds.map((id) => `Insight:${id}`),
    ...userIds.map((id) => `CommunityUser:${id}`),
    ...interactionIds.map((id) => `UserInteraction:${id}`),
  ];
  ids.splice(5, 0, 'Insight:999999', 'CommunityUser:9999999999'); // gone, and beyond the int4 id column
  const asked = ids.slice(0, 100).map(b64);
  const res = await server.gql(
    `query($ids: [ID!]!) { nodes(ids: $ids) { __typename nodeId ... on Insight { topic } ... on CommunityUser { handle } ... on UserInteraction { type } } }`,
    { ids: asked },
  );
  const nodes = ok(res).nodes as ({ __typename: string; nodeId: string } | null)[];
  expect(nodes).toHaveLength(100);
  expect(nodes.map((n) => n?.nodeId ?? null)).toEqual(asked.map((id, i) => (i === 5 || i === 6 ? null : id)));
  expect(nodes.map((n) => n?.__typename ?? null).filter((t, i, all) => t && all.indexOf(t) === i)).toEqual([
    'Insight',
    'CommunityUser',
    'UserInteraction',
  ]);
  expect(nodes[0]).toMatchObject({ topic: 'topic 0' });
  expect(stats(res).sqlQueries).toBe(3);
  expect(ok(await server.gql(`{ nodes(ids: []) { nodeId } }`)).nodes).toEqual([]);
});

test('an id that is no nodeId of this API is BAD_USER_INPUT naming it; an unknown row is null', async () => {
  const bad = [
    'nope',
    '42',
    b64('Insight:0'),
    b64('Insight:1.5'),
    b64('Nobody:1'),
    b64('insight:1'),
    b64('Insight:12').replace(/=+$/, ''),
    'x'.repeat(100),
  ];
  for (const id of bad) {
    const res = await server.gql(`query($id: ID!) { node(id: $id) { nodeId } }`, { id });
    expect(res.data?.node ?? null).toBeNull();
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'id', fields: ['id'] });
    expect(res.errors?.[0].message).toMatch(/^Invalid input: id: must be a nodeId returned by this API/);
  }
  const many = await server.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }`, { ids: [b64(`Insight:${insightIds[0]}`), 'nope'] });
  expect(many.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'ids', fields: ['ids[1]'] });
  const tooMany = await server.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }`, { ids: Array(101).fill(b64('Insight:1')) });
  expect(tooMany.errors?.[0].message).toBe('Invalid input: ids: must hold 0 to 100 items, got 101');
  expect(ok(await server.gql(`{ node(id: "${b64('Strategy:424242')}") { nodeId } }`)).node).toBeNull();
});

test('node and nodes need the reader role, like the per-type fields', async () => {
  const keyed = await startServer({ API_KEYS: 'reader:reader-key-0123456789' });
  const query = `{ node(id: "${b64(`Insight:${insightIds[0]}`)}") { nodeId } nodes(ids: []) { nodeId } }`;
  const refused = await keyed.gql(query);
  expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']); // one per field
  expect(refused.data ?? null).toBeNull();
  const read = ok(await keyed.gql(query, {}, { authorization: 'Bearer reader-key-0123456789' }));
  expect(read).toEqual({ node: { nodeId: b64(`Insight:${insightIds[0]}`) }, nodes: [] });
});

test('every type with a row id implements Node, and every Node type is tested here', async () => {
  const schema = await buildAppSchema();
  const withId = Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith('__') && t.getFields().id && t.name !== 'Query')
    .map((t) => t.name);
  const node = schema.getType('Node') as GraphQLInterfaceType;
  expect(
    schema
      .getImplementations(node)
      .objects.map((t) => t.name)
      .sort(),
  ).toEqual([...withId].sort());
  expect([...NODE_TYPES].sort()).toEqual([...withId].sort());
  expect([...TYPES.map(([type]) => type), 'UserInteraction'].sort()).toEqual([...NODE_TYPES].sort());
});

test('nodes costs one item per id, and last costs like first', async () => {
  const tight = await startServer({ MAX_QUERY_COST: '150' });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => b64(`Insight:${insightIds[i % insightIds.length]}`));
  const nodesQuery = `query($ids: [ID!]!) { nodes(ids: $ids) { nodeId ... on Insight { topic } } }`;
  const refused = await tight.gql(nodesQuery, { ids: ids(100) });
  expect(refused.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(refused.errors?.[0].message).toMatch(/^Query cost limit of 150 exceeded, found 201 /);
  expect(ok(await tight.gql(nodesQuery, { ids: ids(50) })).nodes).toHaveLength(50);
  const lastQuery = `query($last: Int) { insights(last: $last) { nodes { id topic } } }`;
  expect((await tight.gql(lastQuery, { last: 100 })).errors?.[0].message).toMatch(/^Query cost limit of 150 exceeded, found 301 /);
  expect(ok(await tight.gql(lastQuery, { last: 40 })).insights.nodes).toHaveLength(40);
});
