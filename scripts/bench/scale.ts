/**
 * npm run bench:scale [-- --datasets xl,xxl --ops recompute,incremental,snapshot,reads --runs 3 --reads 30
 *                        --cluster --fresh --drop-after --no-write --report-only]
 *
 * How the costs that grow with the data grow from XL (100k users, 5M interactions over 90 days)
 * to XXL (1M users, 50M interactions over 18 months, 5M content): seed time, on-disk size, the
 * full recompute (from reset scores, and again with nothing changed), the incremental recompute
 * of 1,000 users (through the ingest trigger and the in-process worker, as deployed), the
 * snapshot (30 days and the whole history), the nested read, a user's interactions page and
 * engagementTimeSeries (result cache off). Each dataset is a database `creator_scale_<name>` on
 * DATABASE_URL's server, seeded once by scripts/seed (COPY) and reused while its seed matches.
 *
 * --cluster: instead of DATABASE_URL's server, a primary and a streaming replica made for the run
 * (test/support/pg-cluster.ts, with PostgreSQL's default memory and durability settings), removed
 * at the end; each dataset is measured twice there, the server reading from the primary and then
 * from the replica (DATABASE_REPLICA_URLS), once the replica has replayed the seed.
 *
 * Every result is a row keyed by dataset, table layout (plain or partitioned, read from the
 * catalog) and where the reads go (the shared server, or the cluster's primary or replica), kept
 * in bench-results/scale.json across runs; the table between the bench:scale markers of
 * BENCHMARKS.md is rewritten from all of them. Run it under the shared lock:
 * `flock /tmp/bench.lock npm run bench:scale -- ...`.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { Cluster, startCluster } from '../../test/support/pg-cluster';
import { ANCHOR, DATASETS, Dataset, ensureDataset } from './datasets';
import type { SeedReport } from '../seed/seed-db';
import { machine } from './report';
import { writeScaleReport, ScaleRow, Measure } from './scale-report';
import { startServer, BenchServer } from './server';
import { removeRunRows, resetScores } from './state';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench-results');
const RESULTS = path.join(OUT, 'scale.json');
const PREFIX = 'creator_scale';
const DAY_MS = 86_400_000;
const OPS = ['recompute', 'incremental', 'snapshot', 'reads'] as const;
type Op = (typeof OPS)[number];

function parseArgs(argv: string[]) {
  const val = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    datasets: (val('datasets') ?? 'xl,xxl').split(','),
    ops: (val('ops') ?? OPS.join(',')).split(',') as Op[],
    runs: Number(val('runs') ?? 3),
    reads: Number(val('reads') ?? 30),
    cluster: argv.includes('--cluster'),
    fresh: argv.includes('--fresh'),
    dropAfter: argv.includes('--drop-after'),
    write: !argv.includes('--no-write'),
  };
}

const log = (m: string) => process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gqlOk<T = any>(server: BenchServer, query: string, variables?: Record<string, unknown>): Promise<{ data: T; ms: number }> {
  const t = performance.now();
  const res = await server.gql<T>(query, variables);
  const ms = performance.now() - t;
  if (res.errors?.length || !res.data) throw new Error(`GraphQL error: ${JSON.stringify(res.errors ?? res)}`);
  return { data: res.data, ms };
}

/** The table layout of user_interactions as the catalog has it, and the sizes that grow with it. */
async function layout(pool: Pool) {
  const { rows } = await pool.query<{ kind: string; parts: number; db: string; heap: string; idx: string }>(
    // The table itself when plain (pg_partition_tree lists nothing for it), else its leaf partitions.
    `WITH parts AS (SELECT c.oid AS relid FROM pg_class c
                     WHERE c.relkind = 'r' AND (c.oid = 'user_interactions'::regclass
                       OR c.oid IN (SELECT relid FROM pg_partition_tree('user_interactions'::regclass))))
     SELECT c.relkind::text AS kind,
            CASE WHEN c.relkind = 'p' THEN (SELECT count(*) FROM parts)::int ELSE 0 END AS parts,
            pg_database_size(current_database())::text AS db,
            (SELECT sum(pg_table_size(relid)) FROM parts)::text AS heap,
            (SELECT sum(pg_indexes_size(relid)) FROM parts)::text AS idx
       FROM pg_class c WHERE c.oid = 'user_interactions'::regclass`,
  );
  const r = rows[0];
  return {
    variant: r.kind === 'p' ? 'partitioned' : 'plain',
    partitions: r.parts,
    sizes: { databaseBytes: Number(r.db), interactionsHeapBytes: Number(r.heap), interactionsIndexBytes: Number(r.idx) },
  };
}

const RECOMPUTE = `mutation($asOf: DateTime, $windowDays: Int, $halfLifeDays: Float) {
  r: recomputeEngagementScores(input: {asOf: $asOf, windowDays: $windowDays, halfLifeDays: $halfLifeDays}) {
    usersScored totalUsers promoted demoted } }`;
const SNAPSHOT = `mutation($asOf: DateTime, $windowDays: Int) {
  r: createPerformanceSnapshot(input: {asOf: $asOf, windowDays: $windowDays}) { contentCount totalImpressions } }`;
const INGEST = 'mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

const READS: Record<string, { title: string; query: string }> = {
  nested: {
    title: 'nested read: contents(first: 50) -> plan -> insight',
    query: '{ contents(first: 50) { nodes { id views contentPlan { title format insight { topic } } } } }',
  },
  userInteractions: {
    title: 'nested read: top 50 users by score -> their 10 newest interactions',
    query: '{ communityUsers(first: 50) { nodes { id engagementScore interactions(first: 10) { nodes { id type timestamp } } } } }',
  },
  timeSeries: {
    title: 'engagementTimeSeries(DAY, last 90 days), uncached',
    query: `{ engagementTimeSeries(bucket: DAY, from: "${new Date(Date.parse(ANCHOR) - 90 * DAY_MS).toISOString()}", to: "${ANCHOR}") { bucketStart contentCount impressions avgEngagementRate } }`,
  },
};

async function measureRecompute(ctx: Ctx) {
  const full: number[] = [];
  const rerun: number[] = [];
  const vars = { asOf: ANCHOR, windowDays: 30, halfLifeDays: 14 };
  let scored = 0;
  for (let i = 0; i < ctx.runs; i++) {
    await resetScores(ctx.pool);
    const { data, ms } = await gqlOk(ctx.server, RECOMPUTE, vars);
    scored = data.r.usersScored;
    full.push(ms);
    ctx.log(`full recompute ${i + 1}: ${ms.toFixed(0)} ms (${data.r.usersScored} users scored, ${data.r.promoted} promoted)`);
  }
  for (let i = 0; i < ctx.runs; i++) {
    const { ms } = await gqlOk(ctx.server, RECOMPUTE, vars);
    rerun.push(ms);
    ctx.log(`full recompute, nothing changed ${i + 1}: ${ms.toFixed(0)} ms`);
  }
  ctx.put('recompute.full', full, `30-day window, ${scored.toLocaleString('en-US')} users scored, from reset scores`);
  ctx.put('recompute.rerun', rerun, 'the same run again: nothing changes, nothing is written');
}

/**
 * 1,000 users who are active in the window each get one new interaction through recordInteractions;
 * its trigger queues the incremental job, the server's worker runs it. Measured: the job's run
 * (execution_time, the database's clock) and the time from the mutation's answer to the run's end.
 */
async function measureIncremental(ctx: Ctx) {
  const users = (
    await ctx.pool.query<{ user_id: number }>(
      `SELECT DISTINCT user_id FROM user_interactions WHERE timestamp >= $1::timestamptz - interval '30 days' ORDER BY user_id`,
      [ANCHOR],
    )
  ).rows.map((r) => r.user_id);
  const run: number[] = [];
  const fresh: number[] = [];
  const seededMaxLog = Number((await ctx.pool.query('SELECT max(id) AS m FROM agent_logs')).rows[0].m);
  try {
    for (let i = 0; i < ctx.runs; i++) {
      // A different spread of 1,000 active users each run.
      // (A small dataset has fewer than 1,000 active users: all of them.)
      const step = Math.max(1, Math.floor(users.length / 1000));
      const picked = [...new Set(Array.from({ length: Math.min(1000, users.length) }, (_, k) => users[(k * step + i) % users.length]))];
      const before = Number((await ctx.pool.query('SELECT max(id) AS m FROM agent_logs')).rows[0].m);
      const input = picked.map((u) => ({ userId: String(u), type: 'LIKE' }));
      const { ms: ingestMs } = await gqlOk(ctx.server, INGEST, { input });
      const answered = Date.now();
      let row: { ms: number; users: number; finished: Date } | null = null;
      while (!row) {
        if (Date.now() - answered > 180_000) throw new Error('the incremental run did not finish within 180 s');
        await sleep(20);
        const r = await ctx.pool.query<{ ms: number; users: string; finished: Date; status: string }>(
          `SELECT execution_time AS ms, details->'result'->>'users' AS users, finished_at AS finished, status FROM agent_logs
            WHERE id > $1 AND agent_name = 'ConversionAgent' AND details->>'trigger' = 'incremental' AND status <> 'running'
            ORDER BY id DESC LIMIT 1`,
          [before],
        );
        if (r.rows[0]?.status === 'failure') throw new Error('the incremental run failed');
        if (r.rows[0]) row = { ms: r.rows[0].ms, users: Number(r.rows[0].users), finished: r.rows[0].finished };
      }
      if (row.users !== picked.length) throw new Error(`the incremental run took ${row.users} users, not ${picked.length}`);
      run.push(row.ms);
      fresh.push(row.finished.getTime() - answered);
      ctx.log(
        `incremental ${i + 1}: run ${row.ms.toFixed(0)} ms, fresh ${fresh[i]} ms after the ingest's answer (ingest ${ingestMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    // The ingested rows are after the anchor, the seeded ones before it.
    await ctx.pool.query('DELETE FROM user_interactions WHERE timestamp > $1::timestamptz', [ANCHOR]);
    await ctx.pool.query('DELETE FROM agent_logs WHERE id > $1', [seededMaxLog]);
  }
  ctx.put('recompute.incremental', run, '1,000 active users, the job as the worker runs it (execution_time)');
  ctx.put('recompute.incrementalFresh', fresh, "from the ingest's answer to the incremental run's commit (debounce 250 ms included)");
}

async function measureSnapshot(ctx: Ctx) {
  for (const [key, windowDays, note] of [
    ['snapshot.30d', 30, 'windowDays 30 (the schedule)'],
    ['snapshot.all', 3650, 'the whole history'],
  ] as const) {
    const runs: number[] = [];
    let count = 0;
    for (let i = 0; i < ctx.runs; i++) {
      await removeRunRows(ctx.pool, ctx.ds.spec.logs);
      const { data, ms } = await gqlOk(ctx.server, SNAPSHOT, { asOf: ANCHOR, windowDays });
      count = data.r.contentCount;
      runs.push(ms);
    }
    ctx.log(`${key}: ${runs.map((m) => m.toFixed(0)).join(', ')} ms (${count} content)`);
    ctx.put(key, runs, `${note}: ${count.toLocaleString('en-US')} content`);
  }
  await removeRunRows(ctx.pool, ctx.ds.spec.logs);
}

/** Sequential requests after 3 warm-ups; p50 and p95 of ctx.reads. */
async function measureReads(ctx: Ctx) {
  for (const [key, r] of Object.entries(READS)) {
    for (let i = 0; i < 3; i++) await gqlOk(ctx.server, r.query);
    const ms: number[] = [];
    for (let i = 0; i < ctx.readCount; i++) ms.push((await gqlOk(ctx.server, r.query)).ms);
    ctx.log(`${key}: p50 ${median(ms).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms`);
    ctx.put(`read.${key}`, ms, r.title, pct(ms, 95));
  }
}

/** The commits on the replica's copy of the dataset: they grow when reads land there. */
async function replicaCommits(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0].xact_commit);
  } finally {
    await c.end();
  }
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(primaryUrl: string, replicaUrl: string) {
  const [p, r] = [new Client({ connectionString: primaryUrl }), new Client({ connectionString: replicaUrl })];
  await p.connect();
  await r.connect();
  try {
    const target = (await p.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l;
    for (;;) {
      const behind = (await r.query('SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()) AS b', [target])).rows[0].b;
      if (Number(behind) <= 0) return;
      await sleep(500);
    }
  } finally {
    await p.end();
    await r.end();
  }
}

/** The cluster's primary: PostgreSQL's defaults for memory and durability, as the shared server has them. */
const CLUSTER_SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  'wal_level = replica',
  'max_wal_senders = 4',
  'hot_standby = on',
  "lc_messages = 'C'",
];

interface Ctx {
  ds: Dataset;
  pool: Pool;
  server: BenchServer;
  runs: number;
  readCount: number;
  log: (m: string) => void;
  put(key: string, runs: number[], note: string, p95?: number): void;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (process.argv.includes('--report-only')) {
    // Rewrites the BENCHMARKS.md table from bench-results/scale.json (rows of earlier runs, merged).
    writeScaleReport(ROOT, JSON.parse(fs.readFileSync(RESULTS, 'utf8')));
    return;
  }
  let cluster: Cluster | null = null;
  process.once('SIGINT', () => void Promise.resolve(cluster?.remove()).finally(() => process.exit(130)));
  try {
    if (args.cluster) {
      log('starting a primary and a streaming replica (test/support/pg-cluster.ts)');
      cluster = await startCluster(undefined, CLUSTER_SETTINGS);
    }
    await measureAll(args, cluster);
  } finally {
    await cluster?.remove();
  }
}

async function measureAll(args: ReturnType<typeof parseArgs>, cluster: Cluster | null) {
  const adminUrl = cluster ? cluster.primaryUrl('postgres') : process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL must name the PostgreSQL server the datasets live on (or --cluster)');
  fs.mkdirSync(OUT, { recursive: true });
  log('building the server when stale (npm run build)');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  const rows: ScaleRow[] = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')).rows : [];
  const port = Number(process.env.BENCH_PORT ?? 4230);
  for (const name of args.datasets) {
    const ds = DATASETS.find((d) => d.name === name);
    if (!ds) throw new Error(`unknown dataset ${name}`);
    const dbName = `${PREFIX}_${ds.name}`;
    if (args.fresh) await dropDatabase(adminUrl, dbName);
    const loadStart = loadavg();
    const { url, seed } = await ensureDataset(adminUrl, ds, log, PREFIX);
    if (cluster) {
      log('waiting for the replica to replay the seed');
      await caughtUp(url, cluster.replicaUrl(dbName));
    }
    for (const reads of cluster ? (['primary', 'replica'] as const) : (['shared'] as const)) {
      const replicaUrl = reads === 'replica' ? cluster!.replicaUrl(dbName) : null;
      await measureDataset({ ds, url, seed, reads, replicaUrl, args, rows, port, loadStart });
      fs.writeFileSync(RESULTS, JSON.stringify({ machine: machine(), rows }, null, 2));
    }
    if (args.dropAfter) {
      log(`dropping ${dbName}`);
      await dropDatabase(adminUrl, dbName);
    }
  }
  if (args.write) writeScaleReport(ROOT, { machine: machine(), rows });
  log('done');
}

async function measureDataset(o: {
  ds: Dataset;
  url: string;
  seed: SeedReport | null;
  reads: 'shared' | 'primary' | 'replica';
  replicaUrl: string | null;
  args: ReturnType<typeof parseArgs>;
  rows: ScaleRow[];
  port: number;
  loadStart: string;
}) {
  const { ds, url, seed, reads, replicaUrl, args, rows, port, loadStart } = o;
  const pool = new Pool({ connectionString: url, max: 2 });
  const shape = await layout(pool);
  const key = `${ds.name}/${shape.variant}/${reads}`;
  const prev = rows.find((r) => r.key === key);
  const row: ScaleRow = {
    key,
    dataset: ds.name,
    spec: { users: ds.spec.users, interactions: ds.spec.interactions, content: ds.spec.content, spanDays: ds.spec.spanDays ?? 90 },
    variant: shape.variant,
    partitions: shape.partitions,
    reads,
    commit: gitCommit(),
    at: new Date().toISOString(),
    // A reused database keeps the seed figures of the run that seeded it.
    seed: seed ? { ms: seed.ms, phases: seed.phases, load: `${loadStart} -> ${loadavg()}` } : (prev?.seed ?? null),
    sizes: shape.sizes,
    measures: { ...(prev?.measures ?? {}) },
  };
  log(`${key}: ${shape.partitions} partitions, database ${(shape.sizes.databaseBytes / 2 ** 30).toFixed(2)} GiB`);
  const server = await startServer({
    root: ROOT,
    databaseUrl: url,
    port,
    logFile: path.join(OUT, `scale-server-${ds.name}.log`),
    env: {
      // Nothing runs by itself during the measurements; aggregate reads are computed every time.
      SCHEDULE_CONVERSION: 'off',
      SCHEDULE_SNAPSHOT: 'off',
      SCHEDULE_ANALYTICS: 'off',
      CACHE_MAX_BYTES: '1024',
      LOG_LEVEL: 'warn',
      ...(replicaUrl ? { DATABASE_REPLICA_URLS: replicaUrl } : {}),
    },
  });
  const ctx: Ctx = {
    ds,
    pool,
    server,
    runs: args.runs,
    readCount: args.reads,
    log,
    put(k, runs, note, p95) {
      const m: Measure = { median: median(runs), runs, note, load: loadavg() };
      if (p95 !== undefined) m.p95 = p95;
      row.measures[k] = m;
    },
  };
  // On the replica only the reads differ: the writes were measured on the primary just before.
  const ops = reads === 'replica' ? ['reads'] : args.ops;
  try {
    if (ops.includes('recompute')) await measureRecompute(ctx);
    if (ops.includes('snapshot')) await measureSnapshot(ctx);
    if (ops.includes('incremental')) await measureIncremental(ctx);
    if (ops.includes('reads')) {
      if (!ops.includes('recompute') && reads !== 'replica') {
        // The users' read orders by score: give them scores first (not measured).
        await gqlOk(server, RECOMPUTE, { asOf: ANCHOR, windowDays: 30, halfLifeDays: 14 });
      }
      if (replicaUrl) await caughtUp(url, replicaUrl);
      const before = replicaUrl ? await replicaCommits(replicaUrl) : 0;
      await measureReads(ctx);
      if (replicaUrl) {
        const onReplica = (await replicaCommits(replicaUrl)) - before;
        log(`transactions on the replica during the reads: ${onReplica}`);
        if (onReplica < args.reads) throw new Error(`the reads did not land on the replica (${onReplica} transactions there)`);
        row.replicaTransactions = onReplica;
      }
    }
  } finally {
    await server.stop();
    await pool.end();
  }
  row.sizes = (await layoutOf(url)).sizes;
  const i = rows.findIndex((r) => r.key === key);
  if (i >= 0) rows[i] = row;
  else rows.push(row);
}

async function layoutOf(url: string) {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return await layout(pool);
  } finally {
    await pool.end();
  }
}

async function dropDatabase(adminUrl: string, name: string) {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
