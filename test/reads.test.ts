import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server } = useTestServer('reads');
const f = factories(db.pool);

test('every field of every entity type, through its relations', async () => {
  const createdAt = new Date('2026-03-01T08:30:00.250Z');
  const insight = await f.insight({ topic: 'AI agents', summary: 'why', source: 'survey', score: 0.75, createdAt });
  const plan = await f.plan({
    insightId: insight.id,
    title: 'Agents 101',
    format: 'short_video',
    platform: 'tiktok',
    status: 'published',
    createdAt,
  });
  await db.pool.query(`UPDATE content_plans SET scheduled_for = $1 WHERE id = $2`, [new Date('2026-03-02T00:00:00Z'), plan.id]);
  const publishedAt = new Date('2026-03-03T12:00:00.001Z');
  const content = await f.content({
    contentPlanId: plan.id,
    platform: 'tiktok',
    views: 9_007_199_254,
    likes: 5,
    comments: null,
    shares: 2,
    engagementRate: 0.125,
    publishedAt,
  });
  await db.pool.query(`UPDATE published_content SET url = 'https://example.test/v/1' WHERE id = $1`, [content.id]);
  const user = await f.user({ handle: 'ada', platform: 'x', tier: 'advocate', engagementScore: 51.5, createdAt });
  await db.pool.query(`UPDATE community_users SET display_name = 'Ada L.', score_updated_at = $1 WHERE id = $2`, [createdAt, user.id]);
  const it = await f.interaction({ userId: user.id, contentId: content.id, type: 'purchase', timestamp: publishedAt });
  const run = await f.run({
    agentName: 'ConversionAgent',
    status: 'failure',
    startedAt: createdAt,
    finishedAt: publishedAt,
    executionTime: 12.5,
    error: 'boom',
  });
  await db.pool.query(`UPDATE agent_logs SET details = '{"a": [1, 2]}' WHERE id = $1`, [run.id]);

  const data = ok(
    await server.gql(
      `query($u: ID!, $r: ID!) {
      communityUser(id: $u) {
        id handle platform displayName tier engagementScore scoreUpdatedAt createdAt
        interactions { totalCount nodes { id type timestamp user { handle } content {
          id platform url publishedAt views likes comments shares engagementRate
          interactions { totalCount }
          contentPlan { id title format platform status scheduledFor createdAt
            publishedContent { id }
            insight { id topic summary source score createdAt contentPlans { totalCount nodes { id } } } } } } }
      }
      agentRun(id: $r) { id agentName status startedAt finishedAt executionTime error details }
    }`,
      { u: String(user.id), r: String(run.id) },
    ),
  );
  expect(data.agentRun).toEqual({
    id: String(run.id),
    agentName: 'ConversionAgent',
    status: 'FAILURE',
    startedAt: '2026-03-01T08:30:00.250Z',
    finishedAt: '2026-03-03T12:00:00.001Z',
    executionTime: 12.5,
    error: 'boom',
    details: { a: [1, 2] },
  });
  expect(data.communityUser).toEqual({
    id: String(user.id),
    handle: 'ada',
    platform: 'X',
    displayName: 'Ada L.',
    tier: 'ADVOCATE',
    engagementScore: 51.5,
    scoreUpdatedAt: '2026-03-01T08:30:00.250Z',
    createdAt: '2026-03-01T08:30:00.250Z',
    interactions: {
      totalCount: 1,
      nodes: [
        {
          id: String(it.id),
          type: 'PURCHASE',
          timestamp: '2026-03-03T12:00:00.001Z',
          user: { handle: 'ada' },
          content: {
            id: String(content.id),
            platform: 'TIKTOK',
            url: 'https://example.test/v/1',
            publishedAt: '2026-03-03T12:00:00.001Z',
            views: 9_007_199_254,
            likes: 5,
            comments: null,
            shares: 2,
            engagementRate: 0.125,
            interactions: { totalCount: 1 },
            contentPlan: {
              id: String(plan.id),
              title: 'Agents 101',
              format: 'SHORT_VIDEO',
              platform: 'TIKTOK',
              status: 'PUBLISHED',
              scheduledFor: '2026-03-02T00:00:00.000Z',
              createdAt: '2026-03-01T08:30:00.250Z',
              publishedContent: [{ id: String(content.id) }],
              insight: {
                id: String(insight.id),
                topic: 'AI agents',
                summary: 'why',
                source: 'survey',
                score: 0.75,
                createdAt: '2026-03-01T08:30:00.250Z',
                contentPlans: { totalCount: 1, nodes: [{ id: String(plan.id) }] },
              },
            },
          },
        },
      ],
    },
  });
});

test('lookups of unknown ids return null; out-of-range ids too, without an SQL error', async () => {
  const data = ok(
    await server.gql(`{ insight(id: "999999") { id } contentPlan(id: "2147483648") { id } content(id: "9007199254740991") { id }
    communityUser(id: "424242") { id } agentRun(id: "9007199254740991") { id } }`),
  );
  expect(data).toEqual({ insight: null, contentPlan: null, content: null, communityUser: null, agentRun: null });
});

test.each(['abc', '0', '-1', '1.5', '', ' 1', '9007199254740993', '١'])(
  'a malformed id %p is BAD_USER_INPUT naming the argument',
  async (bad) => {
    const res = await server.gql(`query($id: ID!) { insight(id: $id) { id } }`, { id: bad });
    expect(res.data?.insight ?? null).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'id', fields: ['id'] });
    expect(res.errors?.[0].message).toBe(`Invalid input: id: must be the ID of a row (a positive integer), got ${JSON.stringify(bad)}`);
  },
);

test('a malformed ID inside a filter names the filter field', async () => {
  const res = await server.gql(`{ contents(filter: {insightId: "x"}) { totalCount } }`);
  expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter', fields: ['filter.insightId'] });
});

test.each([-1, 101, 1000])('first = %i is refused (0..100), at the root and nested', async (first) => {
  for (const q of [
    `query($n: Int) { insights(first: $n) { totalCount } }`,
    `query($n: Int) { communityUsers { nodes { interactions(first: $n) { totalCount } } } }`,
  ]) {
    await f.user();
    const res = await server.gql(q, { n: first });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first', fields: ['first'] });
    expect(res.errors?.[0].message).toBe(`Invalid input: first: must be between 0 and 100, got ${first}`);
  }
});

test('filters combine with AND', async () => {
  const i = await f.insight({ topic: 'filters', score: 0.9 });
  const p1 = await f.plan({ insightId: i.id, format: 'thread', platform: 'x', status: 'scheduled' });
  await f.plan({ insightId: i.id, format: 'thread', platform: 'linkedin', status: 'scheduled' });
  await f.plan({ insightId: i.id, format: 'article', platform: 'x', status: 'scheduled' });
  const data = ok(
    await server.gql(
      `query($i: ID) {
    contentPlans(filter: {insightId: $i, format: THREAD, platform: X, status: SCHEDULED}) { totalCount nodes { id } }
    insights(minScore: 0.85) { nodes { topic } }
  }`,
      { i: String(i.id) },
    ),
  );
  expect(data.contentPlans).toEqual({ totalCount: 1, nodes: [{ id: String(p1.id) }] });
  expect(data.insights.nodes.map((n: any) => n.topic)).toEqual(['filters']);
});

test('a contents page reads the columns its selection asks for, however they are asked (aliases, fragments, edges and nodes)', async () => {
  const insight = await f.insight({ topic: 'columns', summary: 's', source: 'src', score: 0.5 });
  const plan = await f.plan({ insightId: insight.id, title: 'Only what is asked', format: 'carousel', platform: 'instagram' });
  const content = await f.content({ contentPlanId: plan.id, platform: 'instagram', views: 7, likes: 1, comments: 2, shares: 3 });
  const filter = `filter: { insightId: "${insight.id}" }`;
  const every = `id platform url publishedAt views likes comments shares engagementRate
    contentPlan { id title format platform status scheduledFor createdAt insight { id topic summary source score createdAt } }`;
  const whole = ok(await server.gql(`{ contents(first: 5, ${filter}) { nodes { ${every} } } }`)).contents.nodes;
  expect(whole).toEqual([
    expect.objectContaining({ id: String(content.id), views: 7, likes: 1, comments: 2, shares: 3, platform: 'INSTAGRAM' }),
  ]);
  expect(whole[0].contentPlan).toMatchObject({
    title: 'Only what is asked',
    format: 'CAROUSEL',
    insight: { topic: 'columns', score: 0.5 },
  });
  // The same fields asked in pieces: each piece must still find its column.
  const pieces = ok(
    await server.gql(
      `{ contents(first: 5, ${filter}) {
        nodes { seen: views ... on PublishedContent { likes } ...C contentPlan { ...P } }
        edges { node { url engagementRate contentPlan { insight { summary createdAt } } } }
      } }
      fragment C on PublishedContent { __typename publishedAt comments contentPlan { title insight { topic } } }
      fragment P on ContentPlan { createdAt status insight { source } }`,
    ),
  ).contents;
  const [n] = pieces.nodes;
  expect(n).toEqual({
    seen: 7,
    likes: 1,
    __typename: 'PublishedContent',
    publishedAt: whole[0].publishedAt,
    comments: 2,
    contentPlan: {
      title: 'Only what is asked',
      createdAt: whole[0].contentPlan.createdAt,
      status: whole[0].contentPlan.status,
      insight: { topic: 'columns', source: 'src' },
    },
  });
  expect(pieces.edges[0].node).toEqual({
    url: whole[0].url,
    engagementRate: whole[0].engagementRate,
    contentPlan: { insight: { summary: 's', createdAt: whole[0].contentPlan.insight.createdAt } },
  });
});
