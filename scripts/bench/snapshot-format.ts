/**
 * npx ts-node --transpile-only scripts/bench/snapshot-format.ts  (DATABASE_URL: the server holding creator_bench_xl, from `npm run bench -- --datasets xl`)
 *
 * The performance snapshot's aggregate (src/agents/performance-analytics.agent.ts) with the format
 * read through the plan join, as before the ContentFormat migration, and from published_content.format,
 * alternating on the same connection after a warm-up round; the answers must agree (means to a
 * relative 1e-9: summed in another order). Prints the times and the load average.
 */
import fs from 'node:fs';
import { Client } from 'pg';
const NEW = `SELECT pc.id, pc.platform, pc.format, pc.views, pc.engagement_rate FROM published_content pc`;
const OLD = `SELECT pc.id, pc.platform, cp.format, pc.views, pc.engagement_rate FROM published_content pc LEFT JOIN content_plans cp ON cp.id = pc.content_plan_id`;
const q = (scope: string) => `WITH scope AS NOT MATERIALIZED (${scope}
  WHERE pc.published_at >= $1::timestamptz - $2::int * interval '24 hours' AND pc.published_at <= $1::timestamptz
    AND ($3::text IS NULL OR pc.platform = $3::text)
), figures AS (
  SELECT GROUPING(format) AS no_format, GROUPING(platform) AS no_platform, upper(format) AS format, upper(platform) AS platform,
         count(*)::int AS content_count, coalesce(sum(views), 0) AS impressions, avg(engagement_rate) AS rate
  FROM scope GROUP BY GROUPING SETS ((), (format), (platform))
), top AS (
  SELECT coalesce(array_agg(id ORDER BY engagement_rate DESC, id), '{}') AS ids
  FROM (SELECT id, engagement_rate FROM scope WHERE engagement_rate IS NOT NULL ORDER BY engagement_rate DESC, id LIMIT 100) best
)
SELECT (SELECT json_agg(f ORDER BY no_format, no_platform, format, platform) FROM figures f)::text AS figures, (SELECT ids::text FROM top) AS top`;
// Figures equal; floats (means summed in another order) to a relative 1e-9.
const same = (a: any, b: any): boolean => {
  const A = typeof a === 'string' && a.startsWith('[') ? JSON.parse(a) : a;
  const B = typeof b === 'string' && b.startsWith('[') ? JSON.parse(b) : b;
  if (typeof A === 'number' && typeof B === 'number') return Math.abs(A - B) <= 1e-9 * Math.max(Math.abs(A), Math.abs(B));
  if (A && B && typeof A === 'object' && typeof B === 'object')
    return Object.keys(A).length === Object.keys(B).length && Object.keys(A).every((k) => same(A[k], B[k]));
  return A === B;
};
(async () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/creator_bench_xl';
  const c = new Client({ connectionString: url.toString() });
  await c.connect();
  const params = ['2026-11-28T00:00:00Z', 120, null];
  const times: Record<string, number[]> = { old: [], new: [] };
  let ref: string | null = null;
  for (let i = 0; i < 4; i++) {
    for (const [name, sql] of [
      ['old', q(OLD)],
      ['new', q(NEW)],
    ] as const) {
      const t0 = performance.now();
      const r = await c.query(sql, params);
      const ms = performance.now() - t0;
      const out = JSON.stringify(r.rows[0]);
      if (ref === null) ref = out;
      else if (!same(JSON.parse(out), JSON.parse(ref)))
        throw new Error(`${name}: different result ${out.slice(0, 300)} vs ${ref.slice(0, 300)}`);
      if (i > 0) times[name].push(ms); // first round warms the cache
    }
  }
  const { rows } = await c.query(
    "SELECT count(*)::int AS n FROM published_content WHERE published_at >= $1::timestamptz - 120 * interval '24 hours'",
    [params[0]],
  );
  console.log(JSON.stringify({ inScope: rows[0].n, times, load: fs.readFileSync('/proc/loadavg', 'utf8').trim() }));
  await c.end();
})();
