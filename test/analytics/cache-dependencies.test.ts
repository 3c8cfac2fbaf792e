/**
 * The result cache keeps a generation per table (src/cache/dependencies.ts): a mutation invalidates
 * exactly the cached answers that read a table it wrote, and one that wrote nothing (refused by
 * auth or validation, rolled back, or no Mutation field at all) invalidates none. Both backends,
 * and two instances on one Redis.
 */
import { READS, TABLES, WRITES } from '../../src/cache/dependencies';
import { buildAppSchema } from '../../src/schema';
import { factories } from '../support/factories';
import { useCacheBackends } from '../support/cache-backends';
import { GqlResult, ok, TestServer } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const KEYS = { reader: 'reader-key-cache-deps-01', writer: 'writer-key-cache-deps-01', admin: 'admin-key-cache-deps-001' };
const API_KEYS = `reader:${KEYS.reader},writer:${KEYS.writer},admin:${KEYS.admin}`;
const as = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

const DAY = 86_400_000;
const FROM = new Date(Date.now() - 30 * DAY).toISOString();
const TO = new Date(Date.now() + DAY).toISOString();
const READ: Record<keyof typeof READS, string> = {
  engagementTimeSeries: `{ engagementTimeSeries(bucket: DAY, from: "${FROM}", to: "${TO}") { contentCount impressions } }`,
  contentBreakdown: `{ contentBreakdown(groupBy: [PLATFORM]) { platform contentCount impressions } }`,
  bestPostingTimes: `{ bestPostingTimes(windowDays: 30, minPosts: 1) { posts avgViews } }`,
  tierDistribution: `{ tierDistribution { tier users } }`,
  agentPerformance: `{ agentPerformance { agentName totalRuns failedRuns } }`,
};
const FIELDS = Object.keys(READ) as (keyof typeof READS)[];
const CONTENT_FIELDS = FIELDS.filter((f) => (READS[f] as readonly string[]).includes('published_content'));

const { db, serve } = useTestServer('cache_deps', null);
const backends = useCacheBackends(serve, 'cache-dependencies', { API_KEYS });
let userId: string;
let contentId: string;

beforeAll(async () => {
  const f = factories(db.pool);
  const plan = await f.plan();
  contentId = String(
    (await f.content({ contentPlanId: plan.id, publishedAt: new Date(Date.now() - DAY), views: 100, engagementRate: 0.1 })).id,
  );
  userId = String((await f.user()).id);
  await f.run({ agentName: 'ConversionAgent' });
});

const stats = (res: GqlResult) => res.extensions!.queryStats as { sqlQueries: number; cacheHits: number; cacheMisses: number };
const read = (server: TestServer, field: keyof typeof READS) => server.gql(READ[field], {}, as('reader'));

/** Reads every field until it is cached: the next read of each is a hit. */
async function warm(server: TestServer): Promise<void> {
  for (const field of FIELDS) {
    ok(await read(server, field));
    expect(stats(await read(server, field))).toMatchObject({ cacheHits: 1, sqlQueries: 0 });
  }
}

/** Which fields answer from the cache now (a hit with no SQL) and which compute. */
async function hitsAndMisses(server: TestServer): Promise<{ hits: string[]; misses: string[] }> {
  const out = { hits: [] as string[], misses: [] as string[] };
  for (const field of FIELDS) {
    const s = stats(await read(server, field));
    (s.cacheHits === 1 && s.sqlQueries === 0 ? out.hits : out.misses).push(field);
  }
  return out;
}

const UPDATE_METRICS = `mutation ($id: ID!, $views: SafeInt) { updateContentMetrics(input: { contentId: $id, views: $views }) { views } }`;
const RECORD = `mutation ($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }`;

backends.each((server) => {
  test('mutations that write nothing leave every hit a hit', async () => {
    await warm(server);
    const attempts: [string, Record<string, unknown>, Record<string, string>, string | null][] = [
      ['mutation { __typename }', {}, {}, null],
      ['mutation { createInsight(input: { topic: "x" }) { id } }', {}, {}, 'UNAUTHENTICATED'],
      ['mutation { createInsight(input: { topic: "x" }) { id } }', {}, as('reader'), 'FORBIDDEN'],
      ['mutation { createInsight(input: { topic: "   " }) { id } }', {}, as('writer'), 'BAD_USER_INPUT'],
      [UPDATE_METRICS, { id: '999999', views: 1 }, as('writer'), 'BAD_USER_INPUT'],
      ['mutation { recomputeEngagementScores { usersScored } }', {}, as('writer'), 'FORBIDDEN'],
      // A write that rolls back with the field after it, and an agent mix refused before running.
      [
        `mutation ($id: ID!) { a: updateContentMetrics(input: { contentId: $id, views: 5 }) { views }
         b: recordInteractions(input: [{ userId: "999999", type: VIEW }]) { inserted } }`,
        { id: contentId },
        as('writer'),
        'BAD_USER_INPUT',
      ],
      [
        'mutation { a: createInsight(input: { topic: "x" }) { id } b: analyzeAgentPerformance { since } }',
        {},
        as('admin'),
        'GRAPHQL_VALIDATION_FAILED',
      ],
    ];
    for (const [query, variables, headers, code] of attempts) {
      const res = await server.gql(query, variables, headers);
      expect(res.errors?.[0]?.extensions?.code ?? null).toBe(code);
    }
    expect(await hitsAndMisses(server)).toEqual({ hits: FIELDS, misses: [] });
  });

  test('anonymous empty mutations from other clients do not lower the hit ratio', async () => {
    await warm(server);
    const noise = Array.from({ length: 40 }, () => server.gql('mutation { __typename }'));
    const reads = await Promise.all(Array.from({ length: 20 }, () => read(server, 'contentBreakdown')));
    await Promise.all(noise);
    expect(reads.map((r) => stats(r).cacheHits)).toEqual(reads.map(() => 1));
  });

  test('recordInteractions writes user_interactions, which no aggregate reads: everything stays cached', async () => {
    await warm(server);
    ok(await server.gql(RECORD, { input: [{ userId, contentId, type: 'LIKE' }] }, as('writer')));
    expect(await hitsAndMisses(server)).toEqual({ hits: FIELDS, misses: [] });
  });

  test('updateContentMetrics invalidates the content aggregates, not tierDistribution or agentPerformance', async () => {
    await warm(server);
    const before = ok(await read(server, 'contentBreakdown')).contentBreakdown[0].impressions;
    ok(await server.gql(UPDATE_METRICS, { id: contentId, views: before + 7 }, as('writer')));
    expect(await hitsAndMisses(server)).toEqual({ hits: ['tierDistribution', 'agentPerformance'], misses: CONTENT_FIELDS });
    expect(ok(await read(server, 'contentBreakdown')).contentBreakdown[0].impressions).toBe(before + 7);
  });

  test('a failed agent run invalidates agentPerformance (its run row) and nothing that reads other tables', async () => {
    await warm(server);
    const failedBefore = (await db.pool.query(`SELECT count(*)::int AS n FROM agent_logs WHERE agent_name = 'StrategyTuningAgent'`)).rows[0]
      .n;
    const res = await server.gql('mutation { tuneStrategy { version } }', {}, as('admin')); // no snapshot yet: it fails
    expect(res.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION', runId: expect.any(String) });
    expect(await hitsAndMisses(server)).toEqual({ hits: FIELDS.filter((f) => f !== 'agentPerformance'), misses: ['agentPerformance'] });
    const stat = ok(await read(server, 'agentPerformance')).agentPerformance.find((s: any) => s.agentName === 'StrategyTuningAgent');
    expect(stat).toMatchObject({ totalRuns: failedBefore + 1, failedRuns: failedBefore + 1 });
  });

  test('a committed operation of two fields invalidates what each of them writes', async () => {
    await warm(server);
    const res = await server.gql(
      `mutation ($h: String!) { a: upsertCommunityUser(input: { handle: $h, platform: X }) { id }
        b: recordAgentRun(input: { agentName: "Outside", status: SUCCESS, startedAt: "2026-01-01T00:00:00Z" }) { id } }`,
      { h: `deps-${Math.random().toString(36).slice(2, 8)}` },
      as('writer'),
    );
    ok(res);
    expect(res.extensions!.transaction).toBe('COMMITTED');
    expect(await hitsAndMisses(server)).toEqual({ hits: CONTENT_FIELDS, misses: ['tierDistribution', 'agentPerformance'] });
  });
});

backends.twoOnOneRedis((a, b) => {
  test('a write through A invalidates on B exactly the answers that read its tables', async () => {
    await warm(a);
    expect(await hitsAndMisses(b)).toEqual({ hits: FIELDS, misses: [] });
    const before = ok(await read(b, 'contentBreakdown')).contentBreakdown[0].impressions;
    ok(await a.gql(UPDATE_METRICS, { id: contentId, views: before + 1 }, as('writer')));
    expect(await hitsAndMisses(b)).toEqual({ hits: ['tierDistribution', 'agentPerformance'], misses: CONTENT_FIELDS });
    expect(ok(await read(b, 'contentBreakdown')).contentBreakdown[0].impressions).toBe(before + 1);
  });
});

describe('the table map', () => {
  test('every Mutation field says what it writes; the cached fields are Query fields', async () => {
    const schema = await buildAppSchema();
    expect(Object.keys(WRITES).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(Object.keys(READS)));
  });

  test('every table it names exists', async () => {
    const { rows } = await db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    const names = new Set(rows.map((r) => r.table_name));
    for (const table of TABLES) expect(names.has(table) ? table : `missing: ${table}`).toBe(table);
  });
});
