/**
 * Walks every page of 250-row connections in each order and checks that each row comes exactly
 * once, in the order docs/api.md defines, computed here in TypeScript from the rows the factories wrote.
 * Keys tie on purpose (several rows per timestamp / view count) and nullable keys hold nulls.
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server } = useTestServer('pagination');
const N = 250;
const base = Date.parse('2026-06-01T00:00:00.000Z');

type Key = number | null;
interface Item {
  id: number;
  key: Key;
}

/** The order of docs/api.md: key in direction, nulls last in both directions, id breaks ties in the same direction. */
function expectedOrder(items: Item[], desc: boolean): number[] {
  return [...items]
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === null && b.key === null) return desc ? b.id - a.id : a.id - b.id;
        return a.key === null ? 1 : -1;
      }
      if (a.key !== b.key) return desc ? b.key - a.key : a.key - b.key;
      return desc ? b.id - a.id : a.id - b.id;
    })
    .map((i) => i.id);
}

/** Follows endCursor until hasNextPage is false; `field` is the dotted path to the connection. */
async function walk(query: string, path: string[], pageSize: number, vars: Record<string, unknown> = {}): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const data: any = ok(await server.gql(query, { ...vars, first: pageSize, after }));
    const conn: any = path.reduce((o: any, k) => o[k], data);
    expect(conn.edges.map((e: any) => e.node.id)).toEqual(conn.nodes.map((n: any) => n.id));
    ids.push(...conn.nodes.map((n: any) => Number(n.id)));
    if (conn.nodes.length) expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
    if (!conn.pageInfo.hasNextPage) return ids;
    expect(conn.nodes).toHaveLength(pageSize);
    after = conn.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

const PAGE = `edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor }`;
let insights: Item[] = [];
const contents: Item[] = [];
const contentsByRate: Item[] = [];
const contentsByDate: Item[] = [];
const usersByScore: Item[] = [];
const usersByCreated: Item[] = [];
const runs: Item[] = [];
const plansOfInsight: Item[] = [];
const interactionsOfUser: Item[] = [];
let parent = { insightId: 0, userId: 0, contentId: 0 };

beforeAll(async () => {
  const f = factories(db.pool);
  const owner = await f.insight({ topic: 'owner', createdAt: new Date(base - 1e9) });
  const plan = await f.plan({ insightId: owner.id, createdAt: new Date(base - 1e9) });
  const user = await f.user({ handle: 'walker', createdAt: new Date(base - 1e9), engagementScore: -1 });
  parent = { insightId: owner.id, userId: user.id, contentId: 0 };
  plansOfInsight.push({ id: plan.id, key: base - 1e9 });
  for (let i = 0; i < N; i++) {
    const tie = Math.floor(i / 3) * 1000; // three rows per instant
    const ins = await f.insight({ createdAt: new Date(base + tie) });
    insights.push({ id: ins.id, key: base + tie });
    const p = await f.plan({ insightId: owner.id, createdAt: new Date(base + tie) });
    plansOfInsight.push({ id: p.id, key: base + tie });
    const views = i % 7 === 0 ? null : (i * 37) % 20;
    const rate = i % 5 === 0 ? null : ((i * 13) % 11) / 10;
    const publishedAt = base + (i % 50) * 60_000;
    const c = await f.content({ contentPlanId: plan.id, views, engagementRate: rate, publishedAt: new Date(publishedAt) });
    contents.push({ id: c.id, key: views });
    contentsByRate.push({ id: c.id, key: rate });
    contentsByDate.push({ id: c.id, key: publishedAt });
    const score = ((i * 7) % 30) / 4;
    const u = await f.user({ engagementScore: score, createdAt: new Date(base + tie) });
    usersByScore.push({ id: u.id, key: score }, ...(i === 0 ? [{ id: user.id, key: -1 }] : []));
    usersByCreated.push({ id: u.id, key: base + tie }, ...(i === 0 ? [{ id: user.id, key: base - 1e9 }] : []));
    const r = await f.run({ startedAt: new Date(base + tie) });
    runs.push({ id: r.id, key: base + tie });
    const it = await f.interaction({ userId: user.id, contentId: c.id, timestamp: new Date(base + tie) });
    interactionsOfUser.push({ id: it.id, key: base + tie });
  }
  parent.contentId = contents[0].id;
  // Microsecond timestamps (as now() writes them) must not break keyset cursors.
  await db.pool.query(`UPDATE insights SET created_at = created_at + interval '123 microseconds' WHERE id % 2 = 0`);
  insights = insights.map((r) => ({ ...r, key: r.id % 2 === 0 ? (r.key as number) + 0.123 : r.key }));
});

describe.each([7, 100])('every page of size %i', (size) => {
  test('insights (createdAt DESC)', async () => {
    const ids = await walk(`query($first: Int, $after: String) { insights(first: $first, after: $after) { ${PAGE} } }`, ['insights'], size);
    expect(ids).toEqual(expectedOrder([...insights, { id: parent.insightId, key: base - 1e9 }], true));
  });

  test.each([
    ['PUBLISHED_AT', 'ASC'],
    ['PUBLISHED_AT', 'DESC'],
    ['VIEWS', 'ASC'],
    ['VIEWS', 'DESC'],
    ['ENGAGEMENT_RATE', 'ASC'],
    ['ENGAGEMENT_RATE', 'DESC'],
  ])('contents ordered by %s %s', async (field, direction) => {
    const ids = await walk(
      `query($first: Int, $after: String, $o: ContentOrder) { contents(first: $first, after: $after, orderBy: $o) { ${PAGE} } }`,
      ['contents'],
      size,
      { o: { field, direction } },
    );
    const items = field === 'VIEWS' ? contents : field === 'ENGAGEMENT_RATE' ? contentsByRate : contentsByDate;
    expect(ids).toEqual(expectedOrder(items, direction === 'DESC'));
  });

  test.each([
    ['ENGAGEMENT_SCORE', 'ASC'],
    ['ENGAGEMENT_SCORE', 'DESC'],
    ['CREATED_AT', 'ASC'],
    ['CREATED_AT', 'DESC'],
  ])('communityUsers ordered by %s %s', async (field, direction) => {
    const ids = await walk(
      `query($first: Int, $after: String, $o: CommunityUserOrder) { communityUsers(first: $first, after: $after, orderBy: $o) { ${PAGE} } }`,
      ['communityUsers'],
      size,
      { o: { field, direction } },
    );
    expect(ids).toEqual(expectedOrder(field === 'CREATED_AT' ? usersByCreated : usersByScore, direction === 'DESC'));
  });

  test('agentRuns (startedAt DESC)', async () => {
    const ids = await walk(
      `query($first: Int, $after: String) { agentRuns(first: $first, after: $after) { ${PAGE} } }`,
      ['agentRuns'],
      size,
    );
    expect(ids).toEqual(expectedOrder(runs, true));
  });

  test('Insight.contentPlans (createdAt DESC)', async () => {
    const ids = await walk(
      `query($id: ID!, $first: Int, $after: String) { insight(id: $id) { contentPlans(first: $first, after: $after) { ${PAGE} } } }`,
      ['insight', 'contentPlans'],
      size,
      { id: String(parent.insightId) },
    );
    expect(ids).toEqual(expectedOrder(plansOfInsight, true));
  });

  test('CommunityUser.interactions (timestamp DESC)', async () => {
    const ids = await walk(
      `query($id: ID!, $first: Int, $after: String) { communityUser(id: $id) { interactions(first: $first, after: $after) { ${PAGE} } } }`,
      ['communityUser', 'interactions'],
      size,
      { id: String(parent.userId) },
    );
    expect(ids).toEqual(expectedOrder(interactionsOfUser, true));
  });
});

test('totalCount ignores paging and honours filters', async () => {
  const data = ok(
    await server.gql(`{
    all: contents(first: 3) { totalCount }
    youtube: contents(first: 0, filter: {platform: YOUTUBE}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } }
    tiktok: contents(filter: {platform: TIKTOK}) { totalCount }
    since: communityUser(id: "${parent.userId}") { interactions(first: 1, since: "${new Date(base + 10_000).toISOString()}") { totalCount } }
  }`),
  );
  expect(data.all.totalCount).toBe(N);
  expect(data.youtube).toEqual({ totalCount: N, nodes: [], pageInfo: { hasNextPage: true, endCursor: null } });
  expect(data.tiktok.totalCount).toBe(0);
  expect(data.since.interactions.totalCount).toBe(interactionsOfUser.filter((i) => (i.key as number) >= base + 10_000).length);
});

test('inclusive publishedAfter / publishedBefore', async () => {
  const from = base + 10 * 60_000;
  const to = base + 20 * 60_000;
  const data = ok(
    await server.gql(
      `query($a: DateTime, $b: DateTime) { contents(first: 0, filter: {publishedAfter: $a, publishedBefore: $b}) { totalCount } }`,
      {
        a: new Date(from).toISOString(),
        b: new Date(to).toISOString(),
      },
    ),
  );
  expect(data.contents.totalCount).toBe(contentsByDate.filter((c) => (c.key as number) >= from && (c.key as number) <= to).length);
});

test('a cursor from one order is refused by another, and a forged one is BAD_USER_INPUT naming after', async () => {
  const byViews = ok(
    await server.gql(`{ contents(first: 1, orderBy: {field: ENGAGEMENT_RATE, direction: ASC}) { pageInfo { endCursor } } }`),
  );
  const res = await server.gql(`query($c: String) { contents(first: 1, after: $c) { nodes { id } } }`, {
    c: byViews.contents.pageInfo.endCursor,
  });
  expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'after', fields: ['after'] });
  expect(res.errors?.[0].message).toBe('Invalid input: after: is not a cursor returned by this field with this order');
  for (const bad of [
    'nope',
    '!!!',
    Buffer.from('[1,2,3]').toString('base64url'),
    Buffer.from('["x",-1]').toString('base64url'),
    'a'.repeat(500),
  ]) {
    const r = await server.gql(`query($c: String) { insights(after: $c) { nodes { id } } }`, { c: bad });
    expect(r.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'after', fields: ['after'] });
    expect(r.errors?.[0].message).toBe('Invalid input: after: is not a cursor returned by this field');
  }
});
