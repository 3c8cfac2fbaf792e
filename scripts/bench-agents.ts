/**
 * Benchmark of the four agent mutations, end to end over HTTP (`npm run bench:agents`).
 *
 * Creates its own database on DATABASE_URL's server (dropped at the end), generates the data with
 * SQL generate_series (FK triggers off and secondary indexes rebuilt after each bulk load, so
 * loading is fast), starts the real server on it and times each mutation: the median of 3 calls,
 * plus the run's own execution_time (agent_logs, measured by the database). Heavy: 5M
 * interactions, 1M content rows, 1M logs; it prints the machine's load average, since other
 * processes on the same cores change the figures.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:agents [-- --only=conversion,snapshot,...]
 */
import 'reflect-metadata';
import os from 'node:os';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { withDatabase } from '../src/db/url';
import { start } from '../src/main';
import { ensureMonths } from '../src/db/partitions';

const ADMIN_URL = process.env.DATABASE_URL;
if (!ADMIN_URL) {
  console.error('DATABASE_URL (a PostgreSQL server the benchmark may create a database on) is required');
  process.exit(1);
}
const only =
  process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? null;
const wanted = (name: string) => !only || only.includes(name);

const AS_OF = '2026-06-01T00:00:00.000Z';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

interface Row {
  agent: string;
  dataset: string;
  variant: string;
  http: number[];
  server: number[];
}
const rows: Row[] = [];

async function main() {
  const name = `bench_agents_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(ADMIN_URL!, name);
  let stop: (() => Promise<void>) | null = null;
  const load0 = os.loadavg();
  try {
    await runMigrations(url, 'bench-migrations');

    const sql = new Client({ connectionString: url });
    await sql.connect();
    const app = await start(
      loadConfig({ ...process.env, DATABASE_URL: url, PORT: '0', MIGRATIONS_RUN: 'false', LOG_LEVEL: 'silent', API_KEYS: '' }),
    );
    stop = app.stop;
    const endpoint = `http://127.0.0.1:${app.port}/graphql`;

    const call = async (query: string, variables: Record<string, unknown> = {}) => {
      const t0 = performance.now();
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      const ms = performance.now() - t0;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { ms, data: body.data };
    };
    const lastRunTime = async () =>
      (await sql.query('SELECT execution_time FROM agent_logs ORDER BY id DESC LIMIT 1')).rows[0]?.execution_time ?? NaN;
    const measure = async (row: Omit<Row, 'http' | 'server'>, run: () => Promise<unknown>, before?: () => Promise<void>) => {
      const r: Row = { ...row, http: [], server: [] };
      for (let i = 0; i < 3; i++) {
        if (before) await before();
        const t0 = performance.now();
        await run();
        r.http.push(performance.now() - t0);
        r.server.push(await lastRunTime());
      }
      rows.push(r);
      console.log(`  ${r.agent} ${r.dataset} ${r.variant}: ${r.http.map(fmt).join(' / ')} ms`);
    };

    const RECOMPUTE = 'mutation($input: RecomputeEngagementInput) { recomputeEngagementScores(input: $input) { usersScored promoted } }';
    const resetScores = async () => {
      await sql.query("UPDATE community_users SET engagement_score = 0, tier = 'newcomer', score_updated_at = NULL");
      await sql.query('VACUUM ANALYZE community_users');
    };
    for (const [users, interactions] of [
      [10_000, 500_000],
      [100_000, 5_000_000],
    ]) {
      if (!wanted('conversion')) break;
      const dataset = `${users / 1000}k users / ${interactions / 1000}k interactions`;
      console.log(`loading ${dataset} ...`);
      await sql.query('TRUNCATE community_users, user_interactions, agent_logs RESTART IDENTITY CASCADE');
      await bulkLoad(
        sql,
        'community_users',
        `INSERT INTO community_users (handle, platform, created_at)
        SELECT 'u' || g, (ARRAY['youtube','tiktok','instagram','linkedin','x','facebook','blog','newsletter','podcast'])[1 + g % 9], '2025-01-01'
        FROM generate_series(1, ${users}) g`,
      );
      // Appended in time order over the 180 days before AS_OF, as a live system would; a 30-day window holds 1/6.
      // Their month partitions first (docs/data-model.md "Partitions"), as the seed makes them.
      const asOf = new Date(AS_OF);
      await ensureMonths(async (text, params) => (await sql.query(text, params)).rows, new Date(asOf.getTime() - 181 * 86_400_000), asOf);
      await bulkLoad(
        sql,
        'user_interactions',
        `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
        SELECT 1 + (hashint4(g) & 2147483647) % ${users},
               (ARRAY['view','view','view','view','like','like','click','comment','follow','share','signup','purchase'])[1 + (hashint4(g + 7) & 2147483647) % 12],
               '${AS_OF}'::timestamptz - interval '180 days' * (1 - g::float8 / ${interactions})
        FROM generate_series(1, ${interactions}) g`,
      );
      const input = { asOf: AS_OF, windowDays: 30 };
      await measure(
        { agent: 'recomputeEngagementScores', dataset, variant: 'every active user rewritten' },
        () => call(RECOMPUTE, { input }),
        resetScores,
      );
      await measure({ agent: 'recomputeEngagementScores', dataset, variant: 'rerun, nothing changed' }, () => call(RECOMPUTE, { input }));
      await measure(
        { agent: 'recomputeEngagementScores', dataset, variant: 'half-life 7 d, all rewritten' },
        () => call(RECOMPUTE, { input: { ...input, halfLifeDays: 7 } }),
        resetScores,
      );
    }

    if (wanted('snapshot') || wanted('tune')) {
      console.log('loading 100k plans / 1M content ...');
      await bulkLoad(
        sql,
        'content_plans',
        `INSERT INTO content_plans (title, format, platform, status)
        SELECT 'plan ' || g, (ARRAY['video','short_video','carousel','image','thread','article','newsletter','podcast','live'])[1 + g % 9],
               (ARRAY['youtube','tiktok','instagram','linkedin','x','facebook','blog','newsletter','podcast'])[1 + (g / 9) % 9], 'published'
        FROM generate_series(1, 100000) g`,
      );
      await bulkLoad(
        sql,
        'published_content',
        `INSERT INTO published_content (content_plan_id, platform, published_at, views, engagement_rate)
        SELECT 1 + (hashint4(g) & 2147483647) % 100000,
               (ARRAY['youtube','tiktok','instagram','linkedin','x','facebook','blog','newsletter','podcast'])[1 + (hashint4(g + 1) & 2147483647) % 9],
               '${AS_OF}'::timestamptz - interval '365 days' * (1 - g::float8 / 1000000),
               CASE WHEN g % 20 = 0 THEN NULL ELSE (hashint4(g + 2) & 2147483647) % 100000 END,
               CASE WHEN g % 10 = 0 THEN NULL ELSE ((hashint4(g + 3) & 2147483647) % 10000) / 100000.0 END
        FROM generate_series(1, 1000000) g`,
      );
      const SNAP = 'mutation($input: PerformanceSnapshotInput) { createPerformanceSnapshot(input: $input) { id contentCount } }';
      await measure({ agent: 'createPerformanceSnapshot', dataset: '1M content', variant: 'windowDays 3650: all 1M in scope' }, () =>
        call(SNAP, { input: { asOf: AS_OF, windowDays: 3650 } }),
      );
      await measure({ agent: 'createPerformanceSnapshot', dataset: '1M content', variant: 'windowDays 30 (82k in scope)' }, () =>
        call(SNAP, { input: { asOf: AS_OF, windowDays: 30 } }),
      );
      await measure({ agent: 'createPerformanceSnapshot', dataset: '1M content', variant: 'platform X, 3650 days' }, () =>
        call(SNAP, { input: { asOf: AS_OF, windowDays: 3650, platform: 'X' } }),
      );
      await measure({ agent: 'tuneStrategy', dataset: '1M content', variant: 'learningRate 0.3' }, () =>
        call('mutation { tuneStrategy { version } }'),
      );
    }

    if (wanted('analytics')) {
      console.log('loading 1M agent logs ...');
      await sql.query('TRUNCATE agent_logs RESTART IDENTITY CASCADE');
      await bulkLoad(
        sql,
        'agent_logs',
        `INSERT INTO agent_logs (agent_name, status, started_at, finished_at, execution_time)
        SELECT (ARRAY['ConversionAgent','PerformanceAnalyticsAgent','StrategyTuningAgent','AnalyticsAgent','ContentWriterAgent','SchedulerAgent'])[1 + g % 6],
               CASE WHEN g % 50 = 0 THEN 'running' WHEN g % 12 = 0 THEN 'failure' ELSE 'success' END,
               '${AS_OF}'::timestamptz - interval '365 days' * (1 - g::float8 / 1000000),
               NULL,
               CASE WHEN g % 50 = 0 THEN NULL ELSE ((hashint4(g) & 2147483647) % 500000) / 100.0 END
        FROM generate_series(1, 1000000) g`,
      );
      await measure({ agent: 'analyzeAgentPerformance', dataset: '1M logs', variant: 'no bounds' }, () =>
        call('mutation { analyzeAgentPerformance { stats { agentName p95ExecutionTime } } }'),
      );
      const since = new Date(new Date(AS_OF).getTime() - 30 * 86_400_000).toISOString();
      await measure({ agent: 'analyzeAgentPerformance', dataset: '1M logs', variant: 'last 30 days' }, () =>
        call('mutation($since: DateTime) { analyzeAgentPerformance(input: {since: $since}) { stats { agentName } } }', { since }),
      );
      const q = { agent: 'agentPerformance (query)', dataset: '1M logs', variant: 'no bounds' };
      const r: Row = { ...q, http: [], server: [] };
      for (let i = 0; i < 3; i++) r.http.push((await call('{ agentPerformance { agentName p95ExecutionTime } }')).ms);
      rows.push(r);
    }
    await sql.end();
  } finally {
    if (stop) await stop();
    await new Promise((r) => setTimeout(r, 300)); // let the pool's sockets close before FORCE drops them
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  const load1 = os.loadavg();
  console.log(
    `\n${os.cpus().length} CPUs; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log('| mutation | dataset | variant | median over HTTP (ms) | 3 calls (ms) | median execution_time (ms) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const server = r.server.length ? fmt(median(r.server)) : '-';
    console.log(`| ${r.agent} | ${r.dataset} | ${r.variant} | ${fmt(median(r.http))} | ${r.http.map(fmt).join(', ')} | ${server} |`);
  }
}

/**
 * One bulk INSERT ... SELECT: the table's secondary indexes are dropped first and rebuilt after
 * (faster than maintaining them row by row), FK triggers are skipped (session_replication_role;
 * the generated keys are valid by construction), then the table is vacuumed and analysed.
 */
async function bulkLoad(sql: Client, table: string, insert: string) {
  const t0 = performance.now();
  const defs = (
    await sql.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
     WHERE i.tablename = $1 AND NOT x.indisprimary AND NOT x.indisunique`,
      [table],
    )
  ).rows as { indexname: string; indexdef: string }[];
  for (const d of defs) await sql.query(`DROP INDEX "${d.indexname}"`);
  await sql.query("SET session_replication_role = 'replica'").catch(() => console.warn('  (not a superuser: FK triggers stay on)'));
  await sql.query(insert);
  await sql.query("SET session_replication_role = 'origin'").catch(() => undefined);
  await sql.query("SET maintenance_work_mem = '256MB'");
  // A partitioned table's index reads `ON ONLY` (the parent alone): recreated without it, it is built on every partition.
  for (const d of defs) await sql.query(d.indexdef.replace(' ON ONLY ', ' ON '));
  await sql.query(`VACUUM ANALYZE ${table}`);
  console.log(`  ${table}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
