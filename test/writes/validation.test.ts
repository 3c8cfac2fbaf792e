/** docs/api.md, writes: every rule refuses with BAD_USER_INPUT, names the field and writes nothing. */
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { expectRefused, M } from './support';

const { db, server, startServer } = useTestServer('writes_validation');
const f = factories(db.pool);
let plan: { id: number };
let content: { id: number };
let user: { id: number };

beforeAll(async () => {
  const insight = await f.insight();
  plan = await f.plan({ insightId: insight.id });
  content = await f.content({ contentPlanId: plan.id, views: 100, likes: 5, comments: 1, shares: 1, engagementRate: 0.07 });
  user = await f.user();
});

const long = 'x'.repeat(501);
const plan0 = () => ({ title: 'A plan', format: 'VIDEO', platform: 'YOUTUBE' });
const run0 = { agentName: 'WriterAgent', status: 'SUCCESS', startedAt: '2026-01-01T10:00:00Z' };

describe('names: empty after trim or over 500 characters', () => {
  const EMPTY = 'must not be empty or only whitespace';
  const LONG = 'must be at most 500 characters after trimming';
  test.each([
    ['createInsight topic empty', M.createInsight, () => ({ topic: '' }), 'input.topic', EMPTY],
    ['createInsight topic blank', M.createInsight, () => ({ topic: ' \t\n ' }), 'input.topic', EMPTY],
    ['createInsight topic 501', M.createInsight, () => ({ topic: long }), 'input.topic', LONG],
    ['createContentPlan title blank', M.createContentPlan, () => ({ ...plan0(), title: '   ' }), 'input.title', EMPTY],
    ['createContentPlan title 501', M.createContentPlan, () => ({ ...plan0(), title: long }), 'input.title', LONG],
    ['upsertCommunityUser handle blank', M.upsertCommunityUser, () => ({ handle: '  ', platform: 'X' }), 'input.handle', EMPTY],
    ['upsertCommunityUser handle 501', M.upsertCommunityUser, () => ({ handle: long, platform: 'X' }), 'input.handle', LONG],
    ['recordAgentRun agentName blank', M.recordAgentRun, () => ({ ...run0, agentName: ' ' }), 'input.agentName', EMPTY],
    ['recordAgentRun agentName 501', M.recordAgentRun, () => ({ ...run0, agentName: long }), 'input.agentName', LONG],
  ])('%s', async (_name, query, input, field, problem) => {
    const res = await expectRefused(server, db.pool, query, { input: input() }, field);
    expect(res.errors![0].message).toBe(`Invalid input: ${field}: ${problem}`);
    expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: [field] });
  });

  test('the limit counts characters (code points), after trimming', async () => {
    const emoji = '\u{1F600}'.repeat(500); // 1000 UTF-16 units, 500 characters: fits varchar(500)
    const data = ok(await server.gql(M.createInsight, { input: { topic: `  ${emoji}  ` } }));
    expect(data.createInsight.topic).toBe(emoji);
    await expectRefused(server, db.pool, M.createInsight, { input: { topic: `${emoji}a` } }, 'input.topic');
  });

  test('text that PostgreSQL cannot store (NUL) is refused with the field', async () => {
    await expectRefused(server, db.pool, M.createInsight, { input: { topic: 'ok', summary: 'a\u0000b' } }, 'input.summary');
    await expectRefused(server, db.pool, M.recordAgentRun, { input: { ...run0, details: { k: 'a\u0000' } } }, 'input.details');
  });

  test('several problems are all listed', async () => {
    const res = await expectRefused(server, db.pool, M.createInsight, { input: { topic: '', score: 2 } }, 'input.topic');
    expect(res.errors![0].extensions?.fields).toEqual(['input.topic', 'input.score']);
  });
});

describe('numbers', () => {
  test.each([[-0.01], [1.01], [1e300]])('score %p is outside 0..1', async (score) => {
    await expectRefused(server, db.pool, M.createInsight, { input: { topic: 't', score } }, 'input.score');
  });

  test.each(['views', 'likes', 'comments', 'shares', 'engagementRate'])('negative %s', async (field) => {
    await expectRefused(
      server,
      db.pool,
      M.updateContentMetrics,
      { input: { contentId: String(content.id), [field]: -1 } },
      `input.${field}`,
    );
  });

  test('negative executionTime', async () => {
    await expectRefused(server, db.pool, M.recordAgentRun, { input: { ...run0, executionTime: -0.5 } }, 'input.executionTime');
  });

  test('counts beyond SafeInt and non-integers are refused by the scalar, naming the field', async () => {
    await expectRefused(
      server,
      db.pool,
      M.updateContentMetrics,
      { input: { contentId: String(content.id), views: 2 ** 53 } },
      'input.views',
    );
    await expectRefused(server, db.pool, M.updateContentMetrics, { input: { contentId: String(content.id), likes: 1.5 } }, 'input.likes');
  });

  test('a non-number Float is refused naming the field', async () => {
    await expectRefused(server, db.pool, M.createInsight, { input: { topic: 't', score: 'NaN' } }, 'input.score');
  });
});

describe('dates', () => {
  test('finishedAt before startedAt', async () => {
    const res = await expectRefused(
      server,
      db.pool,
      M.recordAgentRun,
      // 10:00+05:30 is 04:30Z: before the start at 10:00Z although the local digits are equal
      { input: { ...run0, finishedAt: '2026-01-01T10:00:00+05:30' } },
      'input.finishedAt',
    );
    expect(res.errors![0].message).toContain('must not be before startedAt');
  });

  test('a malformed date-time is refused naming the field', async () => {
    await expectRefused(server, db.pool, M.recordAgentRun, { input: { ...run0, startedAt: '2026-13-01T00:00:00Z' } }, 'input.startedAt');
    await expectRefused(server, db.pool, M.createContentPlan, { input: { ...plan0(), scheduledFor: 'tomorrow' } }, 'input.scheduledFor');
  });
});

describe('referenced ids', () => {
  test.each([
    ['createContentPlan unknown insightId', M.createContentPlan, () => ({ ...plan0(), insightId: '999999' }), 'input.insightId'],
    [
      'createContentPlan insightId beyond int4',
      M.createContentPlan,
      () => ({ ...plan0(), insightId: '9007199254740991' }),
      'input.insightId',
    ],
    ['createContentPlan malformed insightId', M.createContentPlan, () => ({ ...plan0(), insightId: 'abc' }), 'input.insightId'],
    ['publishContent unknown contentPlanId', M.publishContent, () => ({ contentPlanId: '999999' }), 'input.contentPlanId'],
    ['publishContent malformed contentPlanId', M.publishContent, () => ({ contentPlanId: '-1' }), 'input.contentPlanId'],
    ['updateContentMetrics unknown contentId', M.updateContentMetrics, () => ({ contentId: '999999', views: 1 }), 'input.contentId'],
    ['updateContentMetrics malformed contentId', M.updateContentMetrics, () => ({ contentId: '1.5', views: 1 }), 'input.contentId'],
    ['recordInteractions unknown userId', M.recordInteractions, () => [{ userId: '999999', type: 'VIEW' }], 'input[0].userId'],
    ['recordInteractions malformed userId', M.recordInteractions, () => [{ userId: '0', type: 'VIEW' }], 'input[0].userId'],
    [
      'recordInteractions unknown contentId',
      M.recordInteractions,
      () => [{ userId: String(user.id), type: 'VIEW', contentId: '999999' }],
      'input[0].contentId',
    ],
    [
      'recordInteractions malformed contentId',
      M.recordInteractions,
      () => [{ userId: String(user.id), type: 'VIEW', contentId: 'x' }],
      'input[0].contentId',
    ],
  ])('%s', async (_name, query, input, field) => {
    await expectRefused(server, db.pool, query, { input: input() }, field);
  });

  test('an unknown id is refused even when other fields are fine, and the plan is not touched', async () => {
    const before = (await db.pool.query('SELECT status FROM content_plans WHERE id = $1', [plan.id])).rows[0].status;
    await expectRefused(server, db.pool, M.publishContent, { input: { contentPlanId: '424242', platform: 'X' } }, 'input.contentPlanId');
    expect((await db.pool.query('SELECT status FROM content_plans WHERE id = $1', [plan.id])).rows[0].status).toBe(before);
  });
});

describe('recordInteractions list size', () => {
  test('an empty list', async () => {
    await expectRefused(server, db.pool, M.recordInteractions, { input: [] }, 'input');
  });
  test('more than 5000 items', async () => {
    const items = Array.from({ length: 5001 }, () => ({ userId: String(user.id), type: 'VIEW' }));
    const res = await expectRefused(server, db.pool, M.recordInteractions, { input: items }, 'input');
    expect(res.errors![0].message).toContain('1 to 5000');
  });
});

describe('access', () => {
  test('a reader key cannot write (FORBIDDEN), no key is UNAUTHENTICATED; nothing is written', async () => {
    const guarded = await startServer({ API_KEYS: 'reader:r-key,writer:w-key' });
    try {
      const as = (key?: string): typeof guarded => ({
        ...guarded,
        gql: (q, v) => guarded.gql(q, v, key ? { authorization: `Bearer ${key}` } : {}),
      });
      await expectRefused(as('r-key'), db.pool, M.createInsight, { input: { topic: 't' } }, 'createInsight', 'FORBIDDEN');
      await expectRefused(
        as(),
        db.pool,
        M.recordInteractions,
        { input: [{ userId: String(user.id), type: 'VIEW' }] },
        'API key',
        'UNAUTHENTICATED',
      );
      const data = ok(await as('w-key').gql(M.createInsight, { input: { topic: 'by a writer' } }));
      expect(data.createInsight.topic).toBe('by a writer');
    } finally {
      await guarded.stop();
    }
  });
});

describe('date-times PostgreSQL cannot store', () => {
  test.each([
    ['year 0', '0000-06-01T00:00:00Z'],
    ['year 1 pushed into year 0 by its offset', '0001-01-01T00:30:00+01:00'],
    ['year 9999 pushed past it by its offset', '9999-12-31T23:00:00-05:00'],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, ts) => {
    await expectRefused(
      server,
      db.pool,
      M.recordInteractions,
      {
        input: [
          { userId: String(user.id), type: 'VIEW' },
          { userId: String(user.id), type: 'VIEW', timestamp: ts },
        ],
      },
      'input[1].timestamp',
    );
    await expectRefused(server, db.pool, M.recordAgentRun, { input: { ...run0, startedAt: ts } }, 'input.startedAt');
  });

  test('the first and last storable instants are accepted', async () => {
    const out = ok(
      await server.gql(M.recordAgentRun, { input: { ...run0, startedAt: '0001-01-01T00:00:00Z', finishedAt: '9999-12-31T23:59:59.999Z' } }),
    ).recordAgentRun;
    expect(out).toMatchObject({ startedAt: '0001-01-01T00:00:00.000Z', finishedAt: '9999-12-31T23:59:59.999Z' });
  });
});
