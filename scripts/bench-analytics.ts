/**
 * Benchmark of the analytics reads over real HTTP: `npm run bench:analytics` (needs DATABASE_URL;
 * Redis at REDIS_URL or redis://127.0.0.1:6379 for the shared-cache rows).
 * Creates its own database on DATABASE_URL's server, 1,000,000 content rows via generate_series,
 * then times each query uncached (a mutation operation bumps the cache generation before each run)
 * and cached, with the in-memory and the Redis cache. Drops the database at the end (--keep keeps it).
 */
import 'reflect-metadata';
import os from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { withDatabase } from '../src/db/url';
import { start } from '../src/main';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 7);
const CACHED_RUNS = Number(process.env.BENCH_CACHED_RUNS ?? 300);
const KEEP = process.argv.includes('--keep');

const now = Date.now();
const QUERIES: Record<string, string> = {
  'engagementTimeSeries DAY 90d': `{ engagementTimeSeries(bucket: DAY, from: "${new Date(now - 90 * 86_400_000).toISOString()}", to: "${new Date(now).toISOString()}", timeZone: "Europe/Berlin") { bucketStart contentCount impressions avgEngagementRate } }`,
  'contentBreakdown FORMAT,PLATFORM': `{ contentBreakdown(groupBy: [FORMAT, PLATFORM]) { format platform contentCount impressions avgEngagementRate } }`,
  'bestPostingTimes (90 days)': `{ bestPostingTimes(timeZone: "America/New_York") { dayOfWeek hourOfDay posts avgEngagementRate avgViews } }`,
};

async function seed(url: string) {
  await runMigrations(url, 'bench-analytics');
  const sql = new Client({ connectionString: url, application_name: 'bench-analytics' });
  await sql.connect();
  const q = (text: string) => sql.query(text);
  const t0 = performance.now();
  await q(`INSERT INTO insights (topic, score) SELECT 'topic ' || g, random() FROM generate_series(1, 200) g`);
  await q(`INSERT INTO content_plans (insight_id, title, format, platform, status)
           SELECT CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + g % 200 END, 'plan ' || g,
                  (ARRAY['video','short_video','carousel','image','thread','article','newsletter','podcast','live'])[1 + g % 9],
                  (ARRAY['youtube','tiktok','instagram','linkedin','x','facebook','blog','newsletter','podcast'])[1 + (g / 9) % 9],
                  'published'
             FROM generate_series(1, 20000) g`);
  // One year of content; 10% not yet measured (null rate), 5% without views.
  await q(`INSERT INTO published_content (content_plan_id, platform, published_at, views, likes, engagement_rate)
           SELECT p.id, p.platform, now() - random() * interval '365 days',
                  CASE WHEN g % 20 = 0 THEN NULL ELSE (random() * 100000)::int8 END, (random() * 1000)::int8,
                  CASE WHEN g % 10 = 0 THEN NULL ELSE random() * 0.2 END
             FROM generate_series(1, ${ROWS}) g JOIN content_plans p ON p.id = 1 + g % 20000`);
  await q('VACUUM ANALYZE');
  await sql.end();
  return performance.now() - t0;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function bench(url: string, label: string, env: Record<string, string>) {
  const app = await start(
    loadConfig({ ...env, DATABASE_URL: url, PORT: '0', QUERY_STATS: '1', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false' }),
  );
  const endpoint = `http://127.0.0.1:${app.port}/graphql`;
  const post = async (query: string) => {
    const t = performance.now();
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { errors?: unknown[]; extensions?: { queryStats?: { cacheHits: number; sqlTimeMs: number } } };
    const ms = performance.now() - t;
    return { ms, body };
  };
  const rows: string[][] = [];
  try {
    // What any request costs here (HTTP, Apollo, no resolver): the floor under the cached numbers.
    const floor: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < CACHED_RUNS; i++) floor.push((await post('{ __typename }')).ms);
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = ((cpu.user + cpu.system) / 1000 / CACHED_RUNS).toFixed(2);
    rows.push([label, '{ __typename } (floor)', '-', '-', '-', pct(floor, 50).toFixed(2), pct(floor, 95).toFixed(2), cpuMs]);
    for (const [name, query] of Object.entries(QUERIES)) {
      const uncached: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < UNCACHED_RUNS; i++) {
        await post('mutation { __typename }'); // a mutation operation: new cache generation
        const { ms, body } = await post(query);
        if (body.errors) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
        if (body.extensions?.queryStats?.cacheHits) throw new Error(`${name}: expected a miss`);
        uncached.push(ms);
        sqlMs.push(body.extensions?.queryStats?.sqlTimeMs ?? NaN);
      }
      const cached: number[] = [];
      // CPU time of this process (server and client) per cached request: unlike wall time, it does
      // not grow when other processes compete for the cores.
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < CACHED_RUNS; i++) {
        const { ms, body } = await post(query);
        if (body.extensions?.queryStats?.cacheHits !== 1) throw new Error(`${name}: expected a hit`);
        cached.push(ms);
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000 / CACHED_RUNS;
      rows.push([
        label,
        name,
        pct(uncached, 50).toFixed(1),
        Math.max(...uncached).toFixed(1),
        pct(sqlMs, 50).toFixed(1),
        pct(cached, 50).toFixed(2),
        pct(cached, 95).toFixed(2),
        cpuMs.toFixed(2),
      ]);
    }
  } finally {
    await app.stop();
  }
  return rows;
}

function table(rows: string[][]) {
  const head = [
    'cache',
    'query',
    'uncached p50 ms',
    'uncached max ms',
    'SQL p50 ms',
    'cached p50 ms',
    'cached p95 ms',
    'cached CPU ms/req',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL must name a PostgreSQL server (the benchmark creates and drops its own database there)');
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const name = `creator_bench_analytics_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl, name);
  const prefix = `bench:analytics:${process.pid}:`;
  try {
    console.log(`database ${name}: seeding ${ROWS.toLocaleString('en')} content rows ...`);
    console.log(`seeded in ${((await seed(url)) / 1000).toFixed(1)} s`);
    const rows = [...(await bench(url, 'memory', {})), ...(await bench(url, 'redis', { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix }))];
    console.log(
      `\n${ROWS.toLocaleString('en')} content rows; ${UNCACHED_RUNS} uncached and ${CACHED_RUNS} cached requests per query, HTTP round trip (client side)`,
    );
    console.log(
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (wall times grow with the load)\n`,
    );
    table(rows);
  } finally {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis
      .connect()
      .then(async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
      })
      .catch(() => undefined);
    redis.disconnect();
    if (KEEP) console.log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
