/**
 * npx ts-node --transpile-only scripts/bench/snapshot-format.ts
 * (DATABASE_URL: the server holding the XL dataset; BENCH_DATABASE names its database, default
 * creator_bench_xl, from `npm run bench -- --datasets xl`)
 *
 * The performance snapshot's figures (src/agents/performance-analytics.agent.ts) computed four ways,
 * alternating on one connection after a warm-up round:
 * - `rows serial, jit`: the GROUPING SETS over the rows as the agent runs it, inside its
 *   INSERT ... SELECT (a statement that writes runs without parallel workers: emulated here by
 *   max_parallel_workers_per_gather = 0), with PostgreSQL's default JIT;
 * - `rows serial, no jit`, `cells, jit` and `cells, no jit`: the alternatives (CELLS_SQL: a parallel
 *   aggregate into (format, platform) cells rolled up by GROUPING SETS, a SELECT of its own).
 * The answers must agree (counts and impressions exactly, means to a relative 1e-9: summed in
 * another order, the top 100 ids exactly). Prints the times and the load average.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { Client } from 'pg';
import { SNAPSHOT_CTES } from '../../src/agents/performance-analytics.agent';

/** The agent's own CTEs (src/agents/performance-analytics.agent.ts) as a SELECT of the figures and the top ids. */
const ROWS_SQL = `WITH ${SNAPSHOT_CTES.scope}, ${SNAPSHOT_CTES.figures}, ${SNAPSHOT_CTES.top}
SELECT (SELECT json_agg(f) FROM figures f)::text AS figures, (SELECT ids::text FROM top) AS top`;

/**
 * The same figures by a parallel aggregate into (format, platform) cells, rolled up by GROUPING
 * SETS over the cells (a GROUPING SETS over the rows cannot run in parallel), as a SELECT of its
 * own (a statement that writes never gets parallel workers): measured, not adopted (BENCHMARKS.md).
 * Scope, lists and top are the agent's; only `figures` differs.
 */
const CELLS_SQL = `
WITH ${SNAPSHOT_CTES.scope}, cells AS (
  SELECT format, platform, count(*) AS n, sum(views) AS views, sum(engagement_rate) AS rate_sum, count(engagement_rate) AS rate_n
  FROM scope
  GROUP BY format, platform
), figures AS (
  SELECT GROUPING(format) AS no_format, GROUPING(platform) AS no_platform, upper(format) AS format, upper(platform) AS platform,
         coalesce(sum(n), 0)::int AS content_count, least(coalesce(sum(views), 0), 9007199254740991)::int8 AS impressions,
         sum(rate_sum) / nullif(sum(rate_n), 0)::float8 AS rate
  FROM cells
  GROUP BY GROUPING SETS ((), (format), (platform))
), ${SNAPSHOT_CTES.lists}, ${SNAPSHOT_CTES.top}
SELECT total.content_count::text AS count, total.impressions::text AS impressions, total.rate::text AS rate,
       lower(f.best) AS "bestFormat", lower(p.best) AS "bestPlatform", f.list::text AS "byFormat", p.list::text AS "byPlatform",
       top.ids::text AS "topIds"
FROM figures total, by_format f, by_platform p, top
WHERE total.no_format = 1 AND total.no_platform = 1`;

/** The figures in one shape: key (`total`, a format or a platform) -> [count, impressions, mean rate]; the top ids. */
type Answer = { groups: Record<string, [number, number, number | null]>; top: string };

function fromRows(row: { figures: string; top: string }): Answer {
  const groups: Answer['groups'] = {};
  for (const f of JSON.parse(row.figures)) {
    const key = f.no_format && f.no_platform ? 'total' : f.no_format ? `platform ${f.platform}` : `format ${f.format}`;
    groups[key] = [f.content_count, Number(f.impressions), f.rate];
  }
  return { groups, top: row.top };
}

function fromCells(row: Record<string, string | null>): Answer {
  const groups: Answer['groups'] = { total: [Number(row.count), Number(row.impressions), row.rate === null ? null : Number(row.rate)] };
  for (const f of JSON.parse(row.byFormat!)) groups[`format ${f.format}`] = [f.contentCount, f.impressions, f.avgEngagementRate];
  for (const p of JSON.parse(row.byPlatform!)) groups[`platform ${p.platform}`] = [p.contentCount, p.impressions, p.avgEngagementRate];
  return { groups, top: row.topIds! };
}

const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

function same(a: Answer, b: Answer): boolean {
  const keys = Object.keys(a.groups);
  return (
    a.top === b.top &&
    keys.length === Object.keys(b.groups).length &&
    keys.every(
      (k) => b.groups[k] && a.groups[k][0] === b.groups[k][0] && a.groups[k][1] === b.groups[k][1] && close(a.groups[k][2], b.groups[k][2]),
    )
  );
}

const VARIANTS: { name: string; settings: string; sql: string; read: (row: any) => Answer }[] = [
  { name: 'rows serial, jit', settings: 'SET jit = on; SET max_parallel_workers_per_gather = 0', sql: ROWS_SQL, read: fromRows },
  { name: 'rows serial, no jit', settings: 'SET jit = off; SET max_parallel_workers_per_gather = 0', sql: ROWS_SQL, read: fromRows },
  { name: 'cells, jit', settings: 'SET jit = on; RESET max_parallel_workers_per_gather', sql: CELLS_SQL, read: fromCells },
  { name: 'cells, no jit', settings: 'SET jit = off; RESET max_parallel_workers_per_gather', sql: CELLS_SQL, read: fromCells },
];

(async () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${process.env.BENCH_DATABASE ?? 'creator_bench_xl'}`;
  const c = new Client({ connectionString: url.toString() });
  await c.connect();
  const params = ['2026-11-28T00:00:00Z', 120, null];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const times: Record<string, number[]> = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
  let ref: Answer | null = null;
  for (let i = 0; i < rounds; i++) {
    for (const v of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      await c.query(v.settings);
      const t0 = performance.now();
      const r = await c.query(v.sql, params);
      const ms = performance.now() - t0;
      const answer = v.read(r.rows[0]);
      if (ref === null) ref = answer;
      else if (!same(answer, ref)) throw new Error(`${v.name}: different result ${JSON.stringify(answer)} vs ${JSON.stringify(ref)}`);
      if (i > 0) times[v.name].push(Math.round(ms)); // the first round warms the cache
    }
  }
  const { rows } = await c.query(
    "SELECT count(*)::int AS n FROM published_content WHERE published_at >= $1::timestamptz - 120 * interval '24 hours'",
    [params[0]],
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.table(VARIANTS.map((v) => ({ variant: v.name, 'ms per round': times[v.name].join(' '), 'median ms': median(times[v.name]) })));
  console.log(JSON.stringify({ inScope: rows[0].n, load: fs.readFileSync('/proc/loadavg', 'utf8').trim() }));
  await c.end();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
