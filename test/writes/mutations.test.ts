/** The ingest mutations' happy paths: what they return and what they store. */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { M, UTC_MS } from './support';

const { db, server } = useTestServer('writes_mutations');
const f = factories(db.pool);

const row = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows[0];

describe('createInsight', () => {
  test('stores the trimmed topic, the texts and the default score 0', async () => {
    const before = Date.now();
    const data = ok(await server.gql(M.createInsight, { input: { topic: '  AI agents  ', summary: ' s ', source: 'rss' } }));
    const out = data.createInsight;
    expect(out).toMatchObject({ topic: 'AI agents', summary: ' s ', source: 'rss', score: 0 });
    expect(out.createdAt).toMatch(UTC_MS);
    expect(Date.parse(out.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await row('SELECT topic, summary, source, score FROM insights WHERE id = $1', [Number(out.id)])).toEqual({
      topic: 'AI agents',
      summary: ' s ',
      source: 'rss',
      score: 0,
    });
  });

  test('score 0..1 inclusive; an explicit null score means the default', async () => {
    for (const score of [0, 1, 0.25]) {
      expect(ok(await server.gql(M.createInsight, { input: { topic: 't', score } })).createInsight.score).toBe(score);
    }
    expect(ok(await server.gql(M.createInsight, { input: { topic: 't', score: null } })).createInsight.score).toBe(0);
  });

  test('a topic of exactly 500 characters is accepted', async () => {
    const topic = 'y'.repeat(500);
    expect(ok(await server.gql(M.createInsight, { input: { topic } })).createInsight.topic).toBe(topic);
  });
});

describe('createContentPlan', () => {
  test('defaults to DRAFT, stores lower-case enums, reads its insight, dates with an offset come back UTC', async () => {
    const insight = await f.insight({ topic: 'parent' });
    const data = ok(
      await server.gql(M.createContentPlan, {
        input: {
          insightId: String(insight.id),
          title: ' Shorts ',
          format: 'SHORT_VIDEO',
          platform: 'TIKTOK',
          scheduledFor: '2026-03-01T09:15:30.5+05:30',
        },
      }),
    );
    const out = data.createContentPlan;
    expect(out).toMatchObject({
      title: 'Shorts',
      format: 'SHORT_VIDEO',
      platform: 'TIKTOK',
      status: 'DRAFT',
      scheduledFor: '2026-03-01T03:45:30.500Z',
      insight: { id: String(insight.id), topic: 'parent' },
    });
    expect(out.createdAt).toMatch(UTC_MS);
    const stored = await row('SELECT insight_id, title, format, platform, status, scheduled_for FROM content_plans WHERE id = $1', [
      Number(out.id),
    ]);
    expect(stored).toEqual({
      insight_id: insight.id,
      title: 'Shorts',
      format: 'short_video',
      platform: 'tiktok',
      status: 'draft',
      scheduled_for: new Date('2026-03-01T03:45:30.500Z'),
    });
  });

  test('without an insight, with an explicit status', async () => {
    const out = ok(
      await server.gql(M.createContentPlan, { input: { title: 'x', format: 'ARTICLE', platform: 'BLOG', status: 'SCHEDULED' } }),
    ).createContentPlan;
    expect(out).toMatchObject({ status: 'SCHEDULED', insight: null, scheduledFor: null });
  });
});

describe('publishContent', () => {
  test("defaults: the plan's platform and now; the plan becomes PUBLISHED in the same response", async () => {
    const plan = await f.plan({ platform: 'instagram', status: 'scheduled' });
    const before = Date.now();
    const out = ok(await server.gql(M.publishContent, { input: { contentPlanId: String(plan.id) } })).publishContent;
    const after = Date.now();
    expect(out).toMatchObject({
      platform: 'INSTAGRAM',
      url: null,
      views: null,
      engagementRate: null,
      contentPlan: { id: String(plan.id), status: 'PUBLISHED' },
    });
    expect(out.publishedAt).toMatch(UTC_MS);
    expect(Date.parse(out.publishedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(out.publishedAt)).toBeLessThanOrEqual(after + 1000);
    expect(await row('SELECT status FROM content_plans WHERE id = $1', [plan.id])).toEqual({ status: 'published' });
    expect(await row('SELECT content_plan_id, platform FROM published_content WHERE id = $1', [Number(out.id)])).toEqual({
      content_plan_id: plan.id,
      platform: 'instagram',
    });
  });

  test('given platform, url and publishedAt (with an offset) win', async () => {
    const plan = await f.plan({ platform: 'youtube' });
    const out = ok(
      await server.gql(M.publishContent, {
        input: {
          contentPlanId: String(plan.id),
          platform: 'LINKEDIN',
          url: 'https://example.com/p',
          publishedAt: '2026-02-01T00:30:00-02:00',
        },
      }),
    ).publishContent;
    expect(out).toMatchObject({
      platform: 'LINKEDIN',
      url: 'https://example.com/p',
      publishedAt: '2026-02-01T02:30:00.000Z',
      contentPlan: { status: 'PUBLISHED' },
    });
  });

  test('a relation read earlier in the same request is not served stale after the write', async () => {
    const plan = await f.plan({ status: 'draft' });
    const res = await server.gql(
      `mutation ($id: ID!, $pid: ID!) {
        first: updateContentMetrics(input: { contentId: $id }) { contentPlan { status } }
        second: publishContent(input: { contentPlanId: $pid }) { contentPlan { status } }
      }`,
      { id: String((await f.content({ contentPlanId: plan.id })).id), pid: String(plan.id) },
    );
    expect(ok(res)).toEqual({ first: { contentPlan: { status: 'DRAFT' } }, second: { contentPlan: { status: 'PUBLISHED' } } });
  });
});

describe('updateContentMetrics', () => {
  const q = (input: Record<string, unknown>) => server.gql(M.updateContentMetrics, { input });

  test('fields left out keep their value; engagementRate is derived from the resulting counts', async () => {
    const plan = await f.plan();
    const c = await f.content({ contentPlanId: plan.id, views: 100, likes: 10, comments: 2, shares: 3, engagementRate: 0.5 });
    const out = ok(await q({ contentId: String(c.id), views: 200, likes: 20 })).updateContentMetrics;
    expect(out).toEqual({ id: String(c.id), views: 200, likes: 20, comments: 2, shares: 3, engagementRate: (20 + 2 + 3) / 200 });
    expect(await row('SELECT views, likes, comments, shares, engagement_rate FROM published_content WHERE id = $1', [c.id])).toEqual({
      views: 200,
      likes: 20,
      comments: 2,
      shares: 3,
      engagement_rate: 25 / 200,
    });
  });

  test('null counts derive as 0; a given engagementRate wins', async () => {
    const plan = await f.plan();
    const c = await f.content({ contentPlanId: plan.id });
    expect(ok(await q({ contentId: String(c.id), views: 50, shares: 5 })).updateContentMetrics).toMatchObject({
      views: 50,
      likes: null,
      comments: null,
      shares: 5,
      engagementRate: 0.1,
    });
    expect(ok(await q({ contentId: String(c.id), likes: 5, engagementRate: 0.9 })).updateContentMetrics).toMatchObject({
      views: 50,
      likes: 5,
      shares: 5,
      engagementRate: 0.9,
    });
    // nothing given: the rate is derived again from the stored counts
    expect(ok(await q({ contentId: String(c.id) })).updateContentMetrics.engagementRate).toBe(10 / 50);
  });

  test('with no views (null or 0) a stored rate is kept', async () => {
    const plan = await f.plan();
    const c = await f.content({ contentPlanId: plan.id, engagementRate: 0.3 });
    expect(ok(await q({ contentId: String(c.id), likes: 7 })).updateContentMetrics).toMatchObject({
      views: null,
      likes: 7,
      engagementRate: 0.3,
    });
    expect(ok(await q({ contentId: String(c.id), views: 0 })).updateContentMetrics).toMatchObject({ views: 0, engagementRate: 0.3 });
  });

  test('counts at their bound (1e12) are stored exactly (bigint columns)', async () => {
    const plan = await f.plan();
    const c = await f.content({ contentPlanId: plan.id });
    const big = 1e12;
    expect(ok(await q({ contentId: String(c.id), views: big, likes: big, comments: big, shares: big })).updateContentMetrics).toMatchObject(
      {
        views: big,
        likes: big,
        engagementRate: 3,
      },
    );
    expect((await row('SELECT views::text AS v FROM published_content WHERE id = $1', [c.id])).v).toBe(String(big));
  });
});

describe('upsertCommunityUser', () => {
  test('creates a NEWCOMER with score 0, stores the trimmed handle', async () => {
    const out = ok(
      await server.gql(M.upsertCommunityUser, { input: { handle: ' @ana ', platform: 'X', displayName: 'Ana' } }),
    ).upsertCommunityUser;
    expect(out).toMatchObject({ handle: '@ana', platform: 'X', displayName: 'Ana', tier: 'NEWCOMER', engagementScore: 0 });
    expect(await row('SELECT handle, platform, display_name FROM community_users WHERE id = $1', [Number(out.id)])).toEqual({
      handle: '@ana',
      platform: 'x',
      display_name: 'Ana',
    });
  });

  test('an existing user gets the new displayName and keeps score and tier', async () => {
    const u = await f.user({ handle: 'bob', platform: 'youtube', tier: 'champion', engagementScore: 0.93 });
    const out = ok(
      await server.gql(M.upsertCommunityUser, { input: { handle: 'bob', platform: 'YOUTUBE', displayName: 'Bob B.' } }),
    ).upsertCommunityUser;
    expect(out).toEqual({
      id: String(u.id),
      handle: 'bob',
      platform: 'YOUTUBE',
      displayName: 'Bob B.',
      tier: 'CHAMPION',
      engagementScore: 0.93,
    });
    // left out: kept; explicit null: cleared
    expect(
      ok(await server.gql(M.upsertCommunityUser, { input: { handle: 'bob', platform: 'YOUTUBE' } })).upsertCommunityUser.displayName,
    ).toBe('Bob B.');
    expect(
      ok(await server.gql(M.upsertCommunityUser, { input: { handle: 'bob', platform: 'YOUTUBE', displayName: null } })).upsertCommunityUser
        .displayName,
    ).toBeNull();
    expect(await f.count("community_users WHERE handle = 'bob'")).toBe(1);
  });

  test('the same handle on another platform is another user', async () => {
    await f.user({ handle: 'cy', platform: 'tiktok' });
    const out = ok(await server.gql(M.upsertCommunityUser, { input: { handle: 'cy', platform: 'INSTAGRAM' } })).upsertCommunityUser;
    expect(out.platform).toBe('INSTAGRAM');
    expect(await f.count("community_users WHERE handle = 'cy'")).toBe(2);
  });

  test('concurrent upserts of one handle leave one row', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `Dee ${i}`);
    const results = await Promise.all(
      names.map((displayName) => server.gql(M.upsertCommunityUser, { input: { handle: 'dee', platform: 'PODCAST', displayName } })),
    );
    const ids = new Set(results.map((r) => ok(r).upsertCommunityUser.id));
    expect(ids.size).toBe(1);
    const rows = (await db.pool.query(`SELECT id::text, display_name FROM community_users WHERE handle = 'dee' AND platform = 'podcast'`))
      .rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe([...ids][0]);
    expect(names).toContain(rows[0].display_name);
  });
});

describe('recordAgentRun', () => {
  test('executionTime defaults to finishedAt - startedAt in ms; status is stored lower-case; offsets in, UTC out', async () => {
    const out = ok(
      await server.gql(M.recordAgentRun, {
        input: {
          agentName: ' WriterAgent ',
          status: 'SUCCESS',
          startedAt: '2026-05-01T12:00:00.250+02:00',
          finishedAt: '2026-05-01T10:00:01.500Z',
          details: { posts: 3, tags: ['a', 'b'], nested: { ok: true } },
        },
      }),
    ).recordAgentRun;
    expect(out).toMatchObject({
      agentName: 'WriterAgent',
      status: 'SUCCESS',
      startedAt: '2026-05-01T10:00:00.250Z',
      finishedAt: '2026-05-01T10:00:01.500Z',
      executionTime: 1250,
      error: null,
      details: { posts: 3, tags: ['a', 'b'], nested: { ok: true } },
    });
    expect(await row('SELECT agent_name, status, execution_time, details FROM agent_logs WHERE id = $1', [Number(out.id)])).toEqual({
      agent_name: 'WriterAgent',
      status: 'success',
      execution_time: 1250,
      details: { posts: 3, tags: ['a', 'b'], nested: { ok: true } },
    });
  });

  test('a given executionTime wins; a running run has none; finishedAt equal to startedAt is fine', async () => {
    const t = '2026-05-01T10:00:00Z';
    const a = ok(
      await server.gql(M.recordAgentRun, {
        input: { agentName: 'A', status: 'FAILURE', startedAt: t, finishedAt: t, executionTime: 7.5, error: 'boom' },
      }),
    ).recordAgentRun;
    expect(a).toMatchObject({ status: 'FAILURE', executionTime: 7.5, error: 'boom' });
    const b = ok(
      await server.gql(M.recordAgentRun, { input: { agentName: 'A', status: 'SUCCESS', startedAt: t, finishedAt: t } }),
    ).recordAgentRun;
    expect(b.executionTime).toBe(0);
    const c = ok(await server.gql(M.recordAgentRun, { input: { agentName: 'A', status: 'RUNNING', startedAt: t } })).recordAgentRun;
    expect(c).toMatchObject({ status: 'RUNNING', finishedAt: null, executionTime: null });
    expect((await row('SELECT status FROM agent_logs WHERE id = $1', [Number(c.id)])).status).toBe('running');
  });

  test('details may be any JSON value, a bare string included', async () => {
    const t = '2026-05-01T10:00:00Z';
    for (const details of ['just text', 42, [1, 'two'], null]) {
      const out = ok(
        await server.gql(M.recordAgentRun, { input: { agentName: 'A', status: 'SUCCESS', startedAt: t, details } }),
      ).recordAgentRun;
      expect(out.details).toEqual(details);
    }
  });

  test('the run is readable through the read API', async () => {
    const out = ok(
      await server.gql(M.recordAgentRun, { input: { agentName: 'Reader check', status: 'SUCCESS', startedAt: '2026-05-02T00:00:00Z' } }),
    ).recordAgentRun;
    const read = ok(await server.gql(`query ($id: ID!) { agentRun(id: $id) { agentName status startedAt } }`, { id: out.id }));
    expect(read.agentRun).toEqual({ agentName: 'Reader check', status: 'SUCCESS', startedAt: '2026-05-02T00:00:00.000Z' });
  });
});
