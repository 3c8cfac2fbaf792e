/**
 * Walks every page of 250-row connections in each order, forwards (first/after) and backwards
 * (last/before), and checks that each row comes exactly once, in the order docs/api.md defines,
 * computed here in TypeScript from the rows the factories wrote.
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

/**
 * Follows endCursor until hasNextPage is false (backward: startCursor with last/before until
 * hasPreviousPage is false) and returns the ids in the field's order; `path` leads to the connection.
 * Every page checks its cursors and the flag of the side it came from.
 */
async function walk(
  query: string,
  path: string[],
  pageSize: number,
  vars: Record<string, unknown> = {},
  backward = false,
): Promise<number[]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const args = backward ? { last: pageSize, before: cursor } : { first: pageSize, after: cursor };
    const data: any = ok(await server.gql(query, { ...vars, ...args }));
    const conn: any = path.reduce((o: any, k) => o[k], data);
    expect(conn.edges.map((e: any) => e.node.id)).toEqual(conn.nodes.map((n: any) => n.id));
    const ids: number[] = conn.nodes.map((n: any) => Number(n.id));
    pages.push(ids);
    const { hasNextPage, hasPreviousPage, startCursor, endCursor } = conn.pageInfo;
    expect(startCursor).toBe(conn.edges[0]?.cursor ?? null);
    expect(endCursor).toBe(conn.edges[conn.edges.length - 1]?.cursor ?? null);
    expect(backward ? hasNextPage : hasPreviousPage).toBe(page > 0); // rows lie behind every page but the first
    if (!(backward ? hasPreviousPage : hasNextPage)) return (backward ? pages.reverse() : pages).flat();
    expect(ids).toHaveLength(pageSize);
    cursor = backward ? startCursor : endCursor;
  }
  throw new Error('pagination did not end');
}

const PAGE = `edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
/** The paging variables and arguments every walked query declares and passes. */
const VARS = '$first: Int, $after: String, $last: Int, $before: String';
const ARGS = 'first: $first, after: $after, last: $last, before: $before';
let insights: Item[] = [];
const contents: Item[] = [];
const contentsByRate: Item[] = [];
const contentsByDate: Item[] = [];
const usersByScore: Item[] = [];
const usersByCreated: Item[] = [];
const runs: Item[] = [];
const plansOfInsight: Item[] = [];
const interactionsOfUser: Item[] = [];
const interactionsOfContent: Item[] = [];
const snapshots: Item[] = [];
const strategies: Item[] = [];
let parent = { insightId: 0, userId: 0, contentId: 0 };

beforeAll(async () => {
  const f = factories(db.pool);
  const owner = await f.insight({ topic: 'owner', createdAt: new Date(base - 1e9) });
  const plan = await f.plan({ insightId: owner.id, createdAt: new Date(base - 1e9) });
  const user = await f.user({ handle: 'walker', createdAt: new Date(base - 1e9), engagementScore: -1 });
  parent = { insightId: owner.id, userId: user.id, contentId: 0 };
  plansOfInsight.push({ id: plan.id, key: base - 1e9 });
  // The N rows of each table in one statement per table (not 5 x N round trips). Each row carries its
  // index i in a column the walks do not read (topic, title, url, handle, execution_time), so the
  // expectations are built from what was written, whatever the order of RETURNING.
  const byIndex = <R>(rows: R[], index: (r: R) => number): R[] => {
    const out: R[] = [];
    for (const r of rows) out[index(r)] = r;
    expect(Object.keys(out)).toHaveLength(N);
    return out;
  };
  const tie = (i: number) => Math.floor(i / 3) * 1000; // three rows per instant
  const views = (i: number) => (i % 7 === 0 ? null : (i * 37) % 20);
  const rate = (i: number) => (i % 5 === 0 ? null : ((i * 13) % 11) / 10);
  const publishedAt = (i: number) => base + (i % 50) * 60_000;
  const score = (i: number) => ((i * 7) % 30) / 4;
  const is = Array.from({ length: N }, (_, i) => i);
  const at = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
  const sql = async (text: string, params: unknown[]) => (await db.pool.query(text, params)).rows;
  const [insRows, planRows, contentRows, userRows, runRows] = await Promise.all([
    sql(
      `INSERT INTO insights (topic, score, created_at) SELECT 'page ' || i, 0.5, t FROM unnest($1::int[], $2::timestamptz[]) AS u(i, t)
       RETURNING id, topic`,
      [is, at(is.map((i) => base + tie(i)))],
    ),
    sql(
      `INSERT INTO content_plans (insight_id, title, format, platform, status, created_at)
       SELECT $1, 'page ' || i, 'video', 'youtube', 'draft', t FROM unnest($2::int[], $3::timestamptz[]) AS u(i, t) RETURNING id, title`,
      [owner.id, is, at(is.map((i) => base + tie(i)))],
    ),
    sql(
      `INSERT INTO published_content (content_plan_id, platform, url, published_at, views, engagement_rate)
       SELECT $1, 'youtube', 'page ' || i, t, v, r FROM unnest($2::int[], $3::timestamptz[], $4::int8[], $5::float8[]) AS u(i, t, v, r)
       RETURNING id, url`,
      [plan.id, is, at(is.map(publishedAt)), is.map(views), is.map(rate)],
    ),
    sql(
      `INSERT INTO community_users (handle, platform, tier, engagement_score, created_at)
       SELECT 'page' || i, 'youtube', 'newcomer', s, t FROM unnest($1::int[], $2::float8[], $3::timestamptz[]) AS u(i, s, t)
       RETURNING id, handle`,
      [is, is.map(score), at(is.map((i) => base + tie(i)))],
    ),
    sql(
      `INSERT INTO agent_logs (agent_name, status, started_at, execution_time)
       SELECT 'ConversionAgent', 'success', t, i FROM unnest($1::int[], $2::timestamptz[]) AS u(i, t) RETURNING id, execution_time`,
      [is, at(is.map((i) => base + tie(i)))],
    ),
  ]);
  const ins = byIndex(insRows, (r) => Number(r.topic.slice(5)));
  const plans = byIndex(planRows, (r) => Number(r.title.slice(5)));
  const cs = byIndex(contentRows, (r) => Number(r.url.slice(5)));
  const us = byIndex(userRows, (r) => Number(r.handle.slice(4)));
  const rs = byIndex(runRows, (r) => Number(r.execution_time));
  // The walker's interaction with each content, at the content's row instant.
  const contentIndex = new Map(cs.map((c, i) => [c.id as number, i]));
  const its = byIndex(
    await sql(
      `INSERT INTO user_interactions (user_id, content_id, interaction_type, timestamp)
       SELECT $1, c, 'view', t FROM unnest($2::int[], $3::timestamptz[]) AS u(c, t) RETURNING id, content_id`,
      [user.id, cs.map((c) => c.id), at(is.map((i) => base + tie(i)))],
    ),
    (r) => contentIndex.get(r.content_id)!,
  );
  for (const i of is) {
    insights.push({ id: ins[i].id, key: base + tie(i) });
    plansOfInsight.push({ id: plans[i].id, key: base + tie(i) });
    contents.push({ id: cs[i].id, key: views(i) });
    contentsByRate.push({ id: cs[i].id, key: rate(i) });
    contentsByDate.push({ id: cs[i].id, key: publishedAt(i) });
    usersByScore.push({ id: us[i].id, key: score(i) }, ...(i === 0 ? [{ id: user.id, key: -1 }] : []));
    usersByCreated.push({ id: us[i].id, key: base + tie(i) }, ...(i === 0 ? [{ id: user.id, key: base - 1e9 }] : []));
    runs.push({ id: Number(rs[i].id), key: base + tie(i) });
    interactionsOfUser.push({ id: Number(its[i].id), key: base + tie(i) });
  }
  parent.contentId = contents[0].id;
  interactionsOfContent.push(interactionsOfUser[0]);
  for (let i = 0; i < 40; i++) {
    const timestamp = base + Math.floor(i / 3) * 1000;
    const it = await f.interaction({ userId: user.id, contentId: parent.contentId, timestamp: new Date(timestamp) });
    interactionsOfUser.push({ id: it.id, key: timestamp });
    interactionsOfContent.push({ id: it.id, key: timestamp });
  }
  // Snapshots (three per instant) and strategies (one version each), written by hand: the agents would take a run each.
  const snaps = await db.pool.query(
    `INSERT INTO performance_snapshots (created_at, as_of, window_days, content_count, total_impressions, by_format, by_platform, top_content_ids, run_id)
     SELECT to_timestamp(($1::int8 + (i / 3) * 1000) / 1000.0), now(), 30, 0, 0, '[]', '[]', '{}', $2 FROM generate_series(0, 39) i
     RETURNING id, (extract(epoch FROM created_at) * 1000)::int8 AS key`,
    [base, runs[0].id],
  );
  snapshots.push(...snaps.rows.map((r) => ({ id: r.id, key: Number(r.key) })));
  const strats = await db.pool.query(
    `INSERT INTO strategies (version, learning_rate, format_weights, platform_weights, snapshot_id, run_id)
     SELECT 100 - i, 0.1, '{}', '{}', $1, $2 FROM generate_series(0, 39) i RETURNING id, version`,
    [snapshots[0].id, runs[0].id],
  );
  strategies.push(...strats.rows.map((r) => ({ id: r.id, key: r.version })));
  // Microsecond timestamps (as now() writes them) must not break keyset cursors.
  await db.pool.query(`UPDATE insights SET created_at = created_at + interval '123 microseconds' WHERE id % 2 = 0`);
  insights = insights.map((r) => ({ ...r, key: r.id % 2 === 0 ? (r.key as number) + 0.123 : r.key }));
});

/** One walked connection: its query (declaring VARS and passing ARGS), the path to it, its variables and the expected order. */
type Case = [name: string, query: string, path: string[], vars: () => Record<string, unknown>, expected: () => number[]];

const ORDERED = (field: string, direction: string) => ({ o: { field, direction } });
const CASES: Case[] = [
  [
    'insights (createdAt DESC)',
    `query(${VARS}) { insights(${ARGS}) { ${PAGE} } }`,
    ['insights'],
    () => ({}),
    () => expectedOrder([...insights, { id: parent.insightId, key: base - 1e9 }], true),
  ],
  [
    'contentPlans (createdAt DESC)',
    `query(${VARS}) { contentPlans(${ARGS}) { ${PAGE} } }`,
    ['contentPlans'],
    () => ({}),
    () => expectedOrder(plansOfInsight, true),
  ],
  ...(
    [
      ['PUBLISHED_AT', 'ASC'],
      ['PUBLISHED_AT', 'DESC'],
      ['VIEWS', 'ASC'],
      ['VIEWS', 'DESC'],
      ['ENGAGEMENT_RATE', 'ASC'],
      ['ENGAGEMENT_RATE', 'DESC'],
    ] as const
  ).map(([field, direction]): Case => [
    `contents ordered by ${field} ${direction}`,
    `query(${VARS}, $o: ContentOrder) { contents(${ARGS}, orderBy: $o) { ${PAGE} } }`,
    ['contents'],
    () => ORDERED(field, direction),
    () => expectedOrder(field === 'VIEWS' ? contents : field === 'ENGAGEMENT_RATE' ? contentsByRate : contentsByDate, direction === 'DESC'),
  ]),
  ...(
    [
      ['ENGAGEMENT_SCORE', 'ASC'],
      ['ENGAGEMENT_SCORE', 'DESC'],
      ['CREATED_AT', 'ASC'],
      ['CREATED_AT', 'DESC'],
    ] as const
  ).map(([field, direction]): Case => [
    `communityUsers ordered by ${field} ${direction}`,
    `query(${VARS}, $o: CommunityUserOrder) { communityUsers(${ARGS}, orderBy: $o) { ${PAGE} } }`,
    ['communityUsers'],
    () => ORDERED(field, direction),
    () => expectedOrder(field === 'CREATED_AT' ? usersByCreated : usersByScore, direction === 'DESC'),
  ]),
  [
    'agentRuns (startedAt DESC)',
    `query(${VARS}) { agentRuns(${ARGS}) { ${PAGE} } }`,
    ['agentRuns'],
    () => ({}),
    () => expectedOrder(runs, true),
  ],
  [
    'performanceSnapshots (createdAt DESC)',
    `query(${VARS}) { performanceSnapshots(${ARGS}) { ${PAGE} } }`,
    ['performanceSnapshots'],
    () => ({}),
    () => expectedOrder(snapshots, true),
  ],
  [
    'strategies (version DESC)',
    `query(${VARS}) { strategies(${ARGS}) { ${PAGE} } }`,
    ['strategies'],
    () => ({}),
    () => expectedOrder(strategies, true),
  ],
  [
    'Insight.contentPlans (createdAt DESC)',
    `query($id: ID!, ${VARS}) { insight(id: $id) { contentPlans(${ARGS}) { ${PAGE} } } }`,
    ['insight', 'contentPlans'],
    () => ({ id: String(parent.insightId) }),
    () => expectedOrder(plansOfInsight, true),
  ],
  [
    'CommunityUser.interactions (timestamp DESC)',
    `query($id: ID!, ${VARS}) { communityUser(id: $id) { interactions(${ARGS}) { ${PAGE} } } }`,
    ['communityUser', 'interactions'],
    () => ({ id: String(parent.userId) }),
    () => expectedOrder(interactionsOfUser, true),
  ],
  [
    'PublishedContent.interactions (timestamp DESC)',
    `query($id: ID!, ${VARS}) { content(id: $id) { interactions(${ARGS}) { ${PAGE} } } }`,
    ['content', 'interactions'],
    () => ({ id: String(parent.contentId) }),
    () => expectedOrder(interactionsOfContent, true),
  ],
];

test('the table covers every connection field of the schema', async () => {
  const { buildAppSchema } = await import('../src/schema');
  const { isObjectType, getNamedType } = await import('graphql');
  const schema = await buildAppSchema();
  const fields: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const f of Object.values(type.getFields()))
      if (getNamedType(f.type).name.endsWith('Connection')) fields.push(`${type.name}.${f.name}`);
  }
  const covered = CASES.map(([name, , path]) => (path.length === 1 ? `Query.${path[0]}` : `${name.split('.')[0]}.${path[1]}`));
  expect([...new Set(covered)].sort()).toEqual(fields.sort());
});

describe.each([7, 100])('every page of size %i', (size) => {
  test.each(CASES)('%s: forwards, backwards, and the last page first', async (_name, query, path, vars, expected) => {
    const order = expected();
    expect(await walk(query, path, size, vars())).toEqual(order);
    // Backwards from the end, startCursor as before: every row exactly once, in the same order.
    expect(await walk(query, path, size, vars(), true)).toEqual(order);
  });
});

describe('a backward page', () => {
  const q = `query(${VARS}) { insights(${ARGS}) { ${PAGE} } }`;
  const ids = (conn: any) => conn.nodes.map((n: any) => Number(n.id));

  test('last N (no cursor) is the end of the list, in the field order; last: 0 is empty with rows before it', async () => {
    const order = expectedOrder([...insights, { id: parent.insightId, key: base - 1e9 }], true);
    const tail = ok(await server.gql(q, { last: 10 })).insights;
    expect(ids(tail)).toEqual(order.slice(-10));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = ok(await server.gql(q, { last: 5, before: tail.pageInfo.startCursor })).insights;
    expect(ids(before)).toEqual(order.slice(-15, -10));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const empty = ok(await server.gql(q, { last: 0 })).insights;
    expect(empty).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
    // Forwards again from a backward page's endCursor: the rows that follow it.
    const next = ok(await server.gql(q, { first: 5, after: before.pageInfo.endCursor })).insights;
    expect(ids(next)).toEqual(order.slice(-10, -5));
    expect(next.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  test('with a filter, both flags count only the rows that match it', async () => {
    const from = base + 49 * 60_000;
    const matching = expectedOrder(
      contentsByDate.filter((c) => (c.key as number) >= from),
      true,
    );
    expect(matching).toHaveLength(5);
    const cq = `query(${VARS}, $f: ContentFilter) { contents(${ARGS}, filter: $f, orderBy: {field: PUBLISHED_AT, direction: DESC}) { ${PAGE} } }`;
    const f = { publishedAfter: new Date(from).toISOString() };
    const tail = ok(await server.gql(cq, { last: 2, f })).contents;
    expect(ids(tail)).toEqual(matching.slice(-2));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const rest = ok(await server.gql(cq, { last: 5, before: tail.pageInfo.startCursor, f })).contents;
    expect(ids(rest)).toEqual(matching.slice(0, 3));
    expect(rest.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const again = ok(await server.gql(cq, { first: 5, after: tail.pageInfo.endCursor, f })).contents;
    expect(again).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  test('last 0..100, a cap like first; mixing the directions is BAD_USER_INPUT naming the argument', async () => {
    const err = async (vars: Record<string, unknown>, query = q) => {
      const res = await server.gql(query, vars);
      expect(res.data?.insights ?? null).toBeNull();
      return { ...res.errors![0].extensions, message: res.errors![0].message };
    };
    const cursor = ok(await server.gql(q, { first: 1 })).insights.pageInfo.endCursor;
    expect(await err({ last: 101 })).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'last',
      fields: ['last'],
      message: 'Invalid input: last: must be between 0 and 100, got 101',
    });
    expect(await err({ last: -1 })).toMatchObject({ argumentName: 'last' });
    expect(await err({ first: 5, last: 5 })).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'last',
      fields: ['last'],
      message: 'Invalid input: last: must not be given together with first: page forwards with first/after or backwards with last/before',
    });
    // first written in the document (not a variable) counts as given too, even at its default value
    expect(await err({ last: 5 }, `query($last: Int) { insights(first: 20, last: $last) { nodes { id } } }`)).toMatchObject({
      argumentName: 'last',
    });
    expect(await err({ last: 5, after: cursor })).toMatchObject({ argumentName: 'after', fields: ['after'] });
    expect(await err({ first: 5, before: cursor })).toMatchObject({ argumentName: 'before', fields: ['before'] });
    expect(await err({ before: cursor })).toMatchObject({ argumentName: 'before' }); // before goes with last
    const nested = await server.gql(
      `query($id: ID!, $c: String) { insight(id: $id) { contentPlans(last: 2, after: $c) { nodes { id } } } }`,
      {
        id: String(parent.insightId),
        c: cursor,
      },
    );
    expect(nested.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'after', fields: ['after'] });
    const both = await server.gql(
      `query($id: ID!, $first: Int) { insight(id: $id) { contentPlans(first: $first, last: 2) { nodes { id } } } }`,
      {
        id: String(parent.insightId),
        first: 20,
      },
    );
    expect(both.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'last', fields: ['last'] });
  });

  test('a before cursor from another order, or forged, is refused like after', async () => {
    const byRate = ok(
      await server.gql(`{ contents(first: 1, orderBy: {field: ENGAGEMENT_RATE, direction: ASC}) { pageInfo { endCursor } } }`),
    );
    const res = await server.gql(`query($c: String) { contents(last: 1, before: $c) { nodes { id } } }`, {
      c: byRate.contents.pageInfo.endCursor,
    });
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'before', fields: ['before'] });
    expect(res.errors?.[0].message).toBe('Invalid input: before: is not a cursor returned by this field with this order');
    const forged = await server.gql(`query($c: String) { insights(last: 1, before: $c) { nodes { id } } }`, { c: 'nope' });
    expect(forged.errors?.[0].message).toBe('Invalid input: before: is not a cursor returned by this field');
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
