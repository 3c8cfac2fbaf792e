import { createTestDb, TestDb } from './support/test-db';
import { startTestServer, TestServer, ok } from './support/server';
import { factories } from './support/factories';

let db: TestDb;
let server: TestServer;

beforeAll(async () => {
  db = await createTestDb('reads');
  server = await startTestServer(db.url);
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

test('a nested read resolves relations', async () => {
  const f = factories(db.pool);
  const insight = await f.insight({ topic: 'AI agents' });
  const plan = await f.plan({ insightId: insight.id, format: 'short_video' });
  const content = await f.content({ contentPlanId: plan.id, views: 10 });
  const data = ok(await server.gql(`{ contents(first: 5) { totalCount nodes { id views contentPlan { format insight { topic } } } } }`));
  expect(data.contents).toEqual({
    totalCount: 1,
    nodes: [{ id: String(content.id), views: 10, contentPlan: { format: 'SHORT_VIDEO', insight: { topic: 'AI agents' } } }],
  });
});
