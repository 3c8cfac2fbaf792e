/**
 * No N+1 by construction: for each nested shape the number of SQL statements is the same whether
 * the lists hold 5 rows or 100 (extensions.queryStats.sqlQueries, QUERY_STATS=1).
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

// 100 x 100 nested lists are over the default cost limit (test/limits.test.ts covers that): raise it here.
const { db, server } = useTestServer('batching', { MAX_QUERY_COST: '10000000' });

beforeAll(async () => {
  const f = factories(db.pool);
  const contentIds: number[] = [];
  for (let i = 0; i < 110; i++) {
    const insight = await f.insight({ topic: `insight ${i}` });
    for (let j = 0; j < (i < 2 ? 110 : 1); j++) {
      const plan = await f.plan({ insightId: insight.id });
      const c = await f.content({ contentPlanId: plan.id, views: i });
      contentIds.push(c.id);
    }
  }
  const users: number[] = [];
  for (let i = 0; i < 110; i++) users.push((await f.user({ engagementScore: i, tier: i % 2 ? 'champion' : 'engaged' })).id);
  // Every user has 110 interactions and the first content has 110 interactions too.
  await db.pool.query(
    `INSERT INTO user_interactions (user_id, content_id, interaction_type, timestamp)
     SELECT u, c, 'like', now() - (g || ' minutes')::interval
     FROM unnest($1::int[]) u, generate_series(1, 110) g, LATERAL (SELECT ($2::int[])[1 + (g % 3)] AS c) x`,
    [users, contentIds],
  );
  for (let i = 0; i < 110; i++) await f.run({ agentName: `Agent${i % 4}` });
});

async function statements(query: string, first: number): Promise<{ n: number; data: any }> {
  const res = await server.gql(query, { first });
  const data = ok(res);
  return { n: res.extensions!.queryStats.sqlQueries, data };
}

const shapes: [string, string, number, (d: any) => number][] = [
  [
    'contents -> contentPlan -> insight',
    `query($first: Int) { contents(first: $first) { nodes { id contentPlan { id format insight { topic } } } } }`,
    1, // the to-one chain is joined into the page's statement
    (d) => d.contents.nodes.filter((n: any) => n.contentPlan.insight.topic).length,
  ],
  [
    'contents -> edges.node (fragment) -> contentPlan, and its insight through another fragment',
    `query($first: Int) { contents(first: $first) { edges { node { ...C } } nodes { contentPlan { ...P } } } }
     fragment C on PublishedContent { id contentPlan { title } }
     fragment P on ContentPlan { insight { id topic } }`,
    1,
    (d) => d.contents.edges.filter((e: any) => e.node.contentPlan.title).length,
  ],
  [
    'communityUsers -> interactions -> content -> contentPlan',
    `query($first: Int) { communityUsers(first: $first) { nodes { id interactions(first: $first) { nodes { id type content { id contentPlan { title } } } } } } }`,
    4,
    (d) => d.communityUsers.nodes.reduce((s: number, u: any) => s + u.interactions.nodes.length, 0),
  ],
  [
    'insights -> contentPlans -> publishedContent',
    `query($first: Int) { insights(first: $first) { nodes { id contentPlans(first: $first) { totalCount nodes { id publishedContent { id views } } } } } }`,
    4,
    (d) => d.insights.nodes.reduce((s: number, i: any) => s + i.contentPlans.nodes.length, 0),
  ],
  [
    'contentPlans -> insight + publishedContent -> interactions (with totalCount)',
    `query($first: Int) { contentPlans(first: $first) { totalCount nodes { insight { id } publishedContent { interactions(first: $first) { totalCount nodes { user { handle } } } } } } }`,
    6,
    (d) => d.contentPlans.nodes.length,
  ],
  [
    'communityUsers(tier) with interaction counts, and agentRuns',
    `query($first: Int) {
       communityUsers(first: $first, filter: {tier: CHAMPION}) { totalCount nodes { handle interactions(first: 1) { totalCount } } }
       agentRuns(first: $first) { totalCount nodes { id agentName } }
     }`,
    6,
    (d) => d.communityUsers.nodes.length + d.agentRuns.nodes.length,
  ],
  [
    'contents -> interactions -> user -> interactions',
    `query($first: Int) { contents(first: $first, orderBy: {field: VIEWS, direction: ASC}) { nodes { interactions(first: $first) { nodes { user { interactions(first: 2) { nodes { id } } } } } } } }`,
    4,
    (d) => d.contents.nodes.reduce((s: number, c: any) => s + c.interactions.nodes.length, 0),
  ],
];

test.each(shapes)('%s: same statement count for first 5 and first 100', async (_name, query, expected, rows) => {
  const small = await statements(query, 5);
  const large = await statements(query, 100);
  expect(rows(large.data)).toBeGreaterThan(rows(small.data)); // the large request really returns more rows
  expect(small.n).toBe(expected);
  expect(large.n).toBe(expected);
});

test('totalCount costs a statement only when selected', async () => {
  const without = await statements(`query($first: Int) { insights(first: $first) { nodes { id } } }`, 5);
  const withCount = await statements(`query($first: Int) { insights(first: $first) { totalCount nodes { id } } }`, 5);
  expect(without.n).toBe(1);
  expect(withCount.n).toBe(2);
});

test('a page with its plan and insight joined answers exactly what the loaders answer, a plan without insight included', async () => {
  const f = factories(db.pool);
  const plan = await f.plan({ insightId: null, title: 'no insight' });
  const newest = await f.content({ contentPlanId: plan.id, publishedAt: new Date(Date.UTC(2030, 0, 1)) });
  const fields = `id platform url publishedAt views likes engagementRate
    contentPlan { id title format platform status scheduledFor createdAt insight { id topic summary source score createdAt } }`;
  const joined = await statements(`query($first: Int) { contents(first: $first) { nodes { ${fields} } } }`, 4);
  expect(joined.n).toBe(1);
  const nodes = joined.data.contents.nodes;
  expect(nodes[0].id).toBe(String(newest.id));
  expect(nodes[0].contentPlan).toMatchObject({ title: 'no insight', insight: null });
  // The same rows one by one through `content(id)`, whose plan and insight come from the loaders.
  const loaded = ok(await server.gql(`{ ${nodes.map((n: any, i: number) => `c${i}: content(id: "${n.id}") { ${fields} }`).join(' ')} }`));
  expect(nodes).toEqual(nodes.map((_: unknown, i: number) => loaded[`c${i}`]));
});
