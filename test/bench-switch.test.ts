/**
 * The benchmark's batching switch: `x-bench-unbatched: 1` turns DataLoader batching off, but only
 * on a server started with BENCH_ALLOW_UNBATCHED=1; everywhere else the header changes nothing.
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { db, server: normal, serve } = useTestServer('bench_switch');
const open = serve({ BENCH_ALLOW_UNBATCHED: '1' });
const QUERY = '{ contents(first: 50) { nodes { id contentPlan { insight { topic } } } } }';
const UNBATCHED = { 'x-bench-unbatched': '1' };

beforeAll(async () => {
  const f = factories(db.pool);
  for (let i = 0; i < 3; i++) {
    const insight = await f.insight({ topic: `topic ${i}` });
    const plan = await f.plan({ insightId: insight.id });
    await f.content({ contentPlanId: plan.id, publishedAt: new Date(Date.UTC(2026, 0, 1 + i)) });
  }
});

test('with the switch allowed, the header makes one statement per row and the same data', async () => {
  const batched = await open.gql(QUERY);
  const unbatched = await open.gql(QUERY, undefined, UNBATCHED);
  expect(ok(unbatched)).toEqual(ok(batched));
  // the page with its plans and insights joined (src/db/sql/pages.ts ToOneJoin), against page + 3 plans + 3 insights.
  expect(batched.extensions?.queryStats.sqlQueries).toBe(1);
  expect(unbatched.extensions?.queryStats.sqlQueries).toBe(7);
});

test('without BENCH_ALLOW_UNBATCHED the header is ignored', async () => {
  const res = await normal.gql(QUERY, undefined, UNBATCHED);
  expect(ok(res).contents.nodes).toHaveLength(3);
  expect(res.extensions?.queryStats.sqlQueries).toBe(1);
});
