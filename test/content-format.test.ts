/**
 * published_content.format is always its plan's format (migrations/1796300000000-ContentFormat.ts):
 * set at publish, taken from the plan whatever a writer sends, moved with the content to another
 * plan, and passed on when a plan's format changes.
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server } = useTestServer('content_format');
const f = factories(db.pool);

const formatOf = async (contentId: number | string): Promise<string> =>
  (await db.pool.query('SELECT format FROM published_content WHERE id = $1', [Number(contentId)])).rows[0].format;

test('publishContent stores the plan format on the content', async () => {
  const plan = await f.plan({ format: 'carousel', platform: 'instagram' });
  const data = ok(await server.gql(`mutation($p: ID!) { publishContent(input: { contentPlanId: $p }) { id } }`, { p: String(plan.id) }));
  expect(await formatOf(data.publishContent.id)).toBe('carousel');
});

test('an insert without a format, or with another one, gets the plan format', async () => {
  const plan = await f.plan({ format: 'thread', platform: 'x' });
  const plain = await f.content({ contentPlanId: plan.id });
  expect(await formatOf(plain.id)).toBe('thread');
  const wrong = await db.pool.query(
    `INSERT INTO published_content (content_plan_id, platform, format) VALUES ($1, 'x', 'video') RETURNING id`,
    [plan.id],
  );
  expect(await formatOf(wrong.rows[0].id)).toBe('thread');
  await db.pool.query(`UPDATE published_content SET format = 'video' WHERE id = $1`, [plain.id]);
  expect(await formatOf(plain.id)).toBe('thread');
});

test('a content moved to another plan takes its format; a plan whose format changes passes it on', async () => {
  const video = await f.plan({ format: 'video', platform: 'youtube' });
  const article = await f.plan({ format: 'article', platform: 'blog' });
  const a = await f.content({ contentPlanId: video.id });
  const b = await f.content({ contentPlanId: video.id });
  await db.pool.query('UPDATE published_content SET content_plan_id = $1 WHERE id = $2', [article.id, a.id]);
  expect(await formatOf(a.id)).toBe('article');
  await db.pool.query(`UPDATE content_plans SET format = 'short_video' WHERE id = $1`, [video.id]);
  expect(await formatOf(b.id)).toBe('short_video');
  expect(await formatOf(a.id)).toBe('article');
  // The filter and the breakdown read the carried format.
  const data = ok(await server.gql(`{ contents(filter: { format: SHORT_VIDEO }) { nodes { id contentPlan { format } } } }`));
  expect(data.contents.nodes).toEqual([{ id: String(b.id), contentPlan: { format: 'SHORT_VIDEO' } }]);
});

test('no content row anywhere has a format other than its plan', async () => {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM published_content pc JOIN content_plans cp ON cp.id = pc.content_plan_id WHERE pc.format <> cp.format`,
  );
  expect(rows[0].n).toBe(0);
});
