/**
 * Freshness benchmark of the automatic agents (docs/agents.md "Automatic agents"): 4 clients send
 * recordInteractions batches of 100 at a fixed total rate; for a sample of the batches, the time
 * from the mutation's response to the moment every user of the batch has a `score_updated_at` at
 * or after the batch's timestamp (the batch is sent with an explicit timestamp: the client's clock
 * when it sends it; client, server and PostgreSQL share this machine's clock).
 * `npm run bench:freshness` (DATABASE_URL names the PostgreSQL server). The server is the built one
 * (`npm run build`, scripts/bench/server.ts) in a child process, with its in-process worker
 * (WORKER=on, RECOMPUTE_DEBOUNCE_MS default 250).
 *
 * The clients send open-loop, as a fixed rate means: each batch leaves at its due time whether or
 * not the earlier ones were answered (up to BENCH_INFLIGHT per client on keep-alive connections of
 * node:http), from bodies built before the round (only the timestamp is spliced in). One loop
 * watches every sampled batch with one query each time an agent run commits (its agentRunUpdated
 * notification, see watch), so the measurement adds one small query per run rather than a poll
 * (a query every 20 ms cost PostgreSQL 15% of a core at 10,000/s, BENCHMARKS.md).
 *
 * Also measured: the full ConversionAgent (recomputeEngagementScores) idle and while the workers
 * are busy (a round at BENCH_BUSY_RATE during which it runs once), and, per round, what the
 * incremental runs did (how many, users per run, their execution_time), the answer time of the
 * ingest requests and the CPU of the clients, the server and the whole machine. BENCH_EXPLAIN=1
 * prints EXPLAIN ANALYZE of one incremental statement over BENCH_EXPLAIN_USERS users (rolled back).
 *
 * Env: BENCH_RATES (interactions/s, comma-separated; 2000,10000,30000), BENCH_SECONDS (per rate, 60),
 * BENCH_USERS (100000), BENCH_INTERACTIONS (loaded before, 5000000), BENCH_SAMPLE (every Nth batch, 10),
 * BENCH_PORT (4202), BENCH_INFLIGHT (per client, 16), BENCH_BUSY_RATE (10000; 0: no busy round),
 * BENCH_NODE_ARGS (extra node flags for the server, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof),
 * BENCH_DATABASE (keep the data in that database between runs: loaded once, the interactions a run
 * adds deleted by the next; default: a scratch database, dropped at the end).
 * A rate the machine does not sustain shows as fewer sent than asked (the in-flight limit is reached).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { Pool } from 'pg';
import { RECOMPUTE_SQL, windowStart } from '../src/agents/conversion.agent';
import { TIER_RANKS } from '../src/modules/community-user/tier-distribution';
import { cpuMs } from './bench/http-load';
import { BENCH_KEY, BenchServer, onScratchServer } from './bench/server';
import { ensureMonths, monthStart, partitionName } from '../src/db/partitions';
import { NotificationListener } from '../src/db/listener';
import { CHANNELS } from '../src/db/notify';
import { RunStatus } from '../src/graphql/enums';
import { createLogger } from '../src/logger';

const PORT = Number(process.env.BENCH_PORT ?? 4202);
const RATES = (process.env.BENCH_RATES ?? '2000,10000,30000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 5_000_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 10);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 16);
const BUSY_RATE = Number(process.env.BENCH_BUSY_RATE ?? 10_000);
const EXPLAIN_USERS = Number(process.env.BENCH_EXPLAIN_USERS ?? 2500);
const KEEP = process.env.BENCH_DATABASE || undefined;
const BATCH = 100;
const CLIENTS = 4;
/** The watcher's query without a commit notification (watch). */
const FALLBACK_MS = 1000;
const FRESH_LIMIT_MS = 60_000;
const TYPES = ['VIEW', 'LIKE', 'COMMENT', 'SHARE', 'CLICK', 'FOLLOW', 'SIGNUP', 'PURCHASE'];
const MUTATION = 'mutation Ingest($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';
const BENCH_APP = 'bench-freshness';
const FULL = 'mutation { recomputeEngagementScores { usersScored run { executionTime } } }';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** Busy and total jiffies of the whole machine (/proc/stat), for its CPU use over a round. */
const machine = () => {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

/**
 * CPU (ms) of the bench database's PostgreSQL backends, by backend, with their kind of connection:
 * the API's requests (ingest), the worker's (incremental runs), the bench's own (the watcher).
 * pgCpuShares compares two readings backend by backend: a backend that closed between them (a pool's
 * idle timeout) is left out rather than subtracted, one that opened (or reused a pid) counts from zero.
 */
type PgCpu = Map<number, { kind: PgKind; ms: number }>;
type PgKind = 'ingest' | 'worker' | 'watcher';
async function pgCpu(pool: Pool): Promise<PgCpu> {
  const rows = (
    await pool.query<{ pid: number; app: string }>(
      `SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname = current_database()`,
    )
  ).rows;
  const backends: PgCpu = new Map();
  for (const r of rows) {
    const kind: PgKind | null =
      r.app === 'creator-analytics-api'
        ? 'ingest'
        : r.app === 'creator-analytics-worker'
          ? 'worker'
          : r.app === BENCH_APP
            ? 'watcher'
            : null;
    if (!kind) continue;
    try {
      backends.set(r.pid, { kind, ms: cpuMs(r.pid) });
    } catch {
      // gone meanwhile
    }
  }
  return backends;
}

/** CPU ms per kind between two pgCpu readings (see there). */
function pgCpuShares(before: PgCpu, after: PgCpu): Record<PgKind, number> {
  const shares: Record<PgKind, number> = { ingest: 0, worker: 0, watcher: 0 };
  for (const [pid, b] of after) {
    const was = before.get(pid)?.ms ?? 0;
    shares[b.kind] += b.ms >= was ? b.ms - was : b.ms; // less than before: a new backend with a reused pid
  }
  return shares;
}

/**
 * What the worker's active backends are doing, sampled every 100 ms until `done()`: on CPU (no wait
 * event) or waiting (wait_event_type:wait_event, e.g. Lock:advisory for PENDING_LOCK, IO:DataFileRead).
 * One small query per sample; the counts are per backend and sample.
 */
async function sampleWorker(pool: Pool, done: () => boolean): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  while (!done()) {
    const r = await pool.query<{ w: string }>(
      `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'creator-analytics-worker' AND state = 'active' AND pid <> pg_backend_pid()`,
    );
    for (const { w } of r.rows) counts.set(w, (counts.get(w) ?? 0) + 1);
    await sleep(100);
  }
  return counts;
}

const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/**
 * A 31-bit linear congruential generator, so that runs draw the same users. Math.imul keeps the
 * product exact: `seed * 1103515245` in doubles loses its low bits past 2^53, and that generator fell
 * into a short cycle that drew only 7,600 to 9,900 distinct users of the 100,000 (BENCHMARKS.md).
 */
let seed = 42;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 2 ** 31;

/** A batch built before the round: its users and its body cut where the timestamp goes. */
interface Prebuilt {
  users: number[];
  parts: string[];
}

const TS = '@@TS@@';
function prebuild(count: number): Prebuilt[] {
  return Array.from({ length: count }, () => {
    const users = Array.from({ length: BATCH }, () => 1 + Math.floor(rnd() * USERS));
    const input = users.map((u) => ({ userId: String(u), type: TYPES[Math.floor(rnd() * TYPES.length)], timestamp: TS }));
    return { users: [...new Set(users)], parts: JSON.stringify({ query: MUTATION, variables: { input } }).split(TS) };
  });
}

function post(agent: http.Agent, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}`, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Sample {
  users: number[];
  ts: number;
  answered: number;
}

/**
 * Watches the sampled batches until `done()` and none is left: one query over all of them each
 * time a run commits, not a poll. A run's status change to `success` is notified by its own
 * transaction (src/agents/run-agent.ts writeRunRows), so it reaches `listener` only once the run's
 * writes are visible; a sample that the query then finds fresh is recorded as fresh at the arrival
 * of that notification (or at its own answer, if that came later). A query also runs every
 * FALLBACK_MS without a notification (a sample found fresh that way is recorded at the query's
 * answer, later than it was), so a lost notification cannot hide a fresh sample.
 */
async function watch(
  pool: Pool,
  commits: CommitWatch,
  samples: Set<Sample>,
  done: () => boolean,
  lags: number[],
): Promise<{ missed: number; byFallback: number }> {
  let missed = 0;
  let byFallback = 0;
  while (!done() || samples.size) {
    const committedAt = await commits.next(FALLBACK_MS);
    if (!samples.size) continue;
    const ids = [...new Set([...samples].flatMap((s) => s.users))];
    const r = await pool.query<{ id: number; at: string }>(
      `SELECT id, (extract(epoch FROM score_updated_at) * 1000)::float8 AS at FROM community_users WHERE id = ANY($1::int4[])`,
      [ids],
    );
    const seen = committedAt ?? performance.now();
    const at = new Map(r.rows.map((x) => [x.id, x.at === null ? -Infinity : Number(x.at)]));
    for (const s of samples) {
      if (s.users.every((u) => (at.get(u) ?? -Infinity) >= s.ts)) {
        lags.push(Math.max(seen, s.answered) - s.answered);
        if (committedAt === null) byFallback += 1;
        samples.delete(s);
      } else if (performance.now() > s.answered + FRESH_LIMIT_MS) {
        missed += 1;
        samples.delete(s);
      }
    }
  }
  return { missed, byFallback };
}

/** The commits of agent runs, from their agentRunUpdated notifications (src/db/listener.ts). */
class CommitWatch {
  /** Arrival of the first `success` notification not yet handed out by next(). */
  private first: number | null = null;
  private wake: (() => void) | null = null;
  readonly listener: NotificationListener;

  constructor(url: string) {
    this.listener = new NotificationListener({
      url,
      log: createLogger({ logLevel: 'warn' }),
      onNotification: (channel, payload) => {
        if (channel !== CHANNELS.agentRun || (JSON.parse(payload) as { status: string }).status !== RunStatus.SUCCESS) return;
        this.first ??= performance.now();
        this.wake?.();
      },
    });
  }

  /** The arrival of the next commit's notification (at once if one came meanwhile), or null after `timeoutMs` without one. */
  async next(timeoutMs: number): Promise<number | null> {
    if (this.first === null) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.wake = null;
    }
    const at = this.first;
    this.first = null;
    return at;
  }
}

async function fullRecompute(server: BenchServer): Promise<{ wallMs: number; executionMs: number }> {
  const t = performance.now();
  const res = await server.gql(FULL);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return { wallMs: Math.round(performance.now() - t), executionMs: Math.round(res.data.recomputeEngagementScores.run.executionTime) };
}

interface RoundOptions {
  rate: number;
  seconds: number;
  /** Runs the full recompute this long after the round's start. */
  fullAtMs?: number;
}

async function round(server: BenchServer, pool: Pool, commits: CommitWatch, { rate, seconds, fullAtMs }: RoundOptions) {
  const batches = Math.ceil((rate / BATCH) * seconds);
  const bodies = prebuild(Math.min(batches, 3000));
  const gapMs = 1000 / (rate / BATCH / CLIENTS);
  // fifo: every kept-alive socket takes its turn. With Node's default (lifo) the sockets a burst
  // opened can sit idle past the server's keepAliveTimeout (5 s) and be closed by it as a request
  // picks one: the likely cause of the ECONNRESETs that ended some rounds under load (BENCHMARKS.md).
  const agents = Array.from({ length: CLIENTS }, () => new http.Agent({ keepAlive: true, maxSockets: INFLIGHT, scheduling: 'fifo' }));
  const samples = new Set<Sample>();
  const lags: number[] = [];
  const answers: number[] = [];
  let sending = true;
  let failure: Error | undefined;
  let sent = 0;
  let next = 0;
  const startedAt = new Date();
  const vacuums0 = await manualVacuums(pool);
  const cpu0 = { client: process.cpuUsage(), server: cpuMs(server.pid), machine: machine(), pg: await pgCpu(pool) };
  const t0 = performance.now();
  const watcher = watch(pool, commits, samples, () => !sending, lags);
  const waits = sampleWorker(pool, () => !sending);
  const full = fullAtMs === undefined ? null : sleep(fullAtMs).then(() => fullRecompute(server));
  await Promise.all(
    agents.map(async (agent, c) => {
      const inflight = new Set<Promise<void>>();
      for (let i = 0; ; i++) {
        const due = t0 + i * gapMs + (c * gapMs) / CLIENTS;
        if (due - t0 > seconds * 1000 || failure) break;
        while (inflight.size >= INFLIGHT) await Promise.race(inflight); // behind the asked rate
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() - t0 > seconds * 1000) break;
        const b = bodies[next++ % bodies.length];
        const ts = Date.now();
        const sentAt = performance.now();
        const p = post(agent, b.parts.join(new Date(ts).toISOString())).then((text) => {
          const answered = performance.now();
          if (text.includes('"errors"')) throw new Error(text.slice(0, 500));
          answers.push(answered - sentAt);
          sent += 1;
          if (sent % SAMPLE === 0) samples.add({ users: b.users, ts, answered });
        });
        const tracked: Promise<void> = p.catch((err: Error) => void (failure ??= err)).finally(() => inflight.delete(tracked));
        inflight.add(tracked);
      }
      await Promise.all(inflight);
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  sending = false;
  if (failure) throw failure;
  const cpu1 = { client: process.cpuUsage(cpu0.client), server: cpuMs(server.pid), machine: machine(), pg: await pgCpu(pool) };
  const loadAfterSend = load();
  for (const a of agents) a.destroy();
  const { missed, byFallback } = await watcher;
  const waited = await waits;
  const sampled = [...waited.values()].reduce((a, b) => a + b, 0);
  const fullResult = await full;
  const runs = (
    await pool.query<{ n: number; users: number; p50: number; p95: number; max: number }>(
      `SELECT count(*)::int AS n, round(avg((details->'result'->>'users')::int))::int AS users,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY execution_time::float8))::int AS p50,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY execution_time::float8))::int AS p95,
              round(max(execution_time))::int AS max
         FROM agent_logs WHERE agent_name = 'ConversionAgent' AND details->'input'->>'mode' = 'incremental' AND started_at >= $1`,
      [startedAt],
    )
  ).rows[0];
  const busy = (cpu1.machine.busy - cpu0.machine.busy) / (cpu1.machine.total - cpu0.machine.total);
  const vacuums1 = await manualVacuums(pool);
  return {
    row: {
      'asked /s': rate,
      'sent /s': Math.round((sent * BATCH) / elapsed),
      samples: lags.length,
      'p50 ms': Math.round(pct(lags, 50)),
      'p95 ms': Math.round(pct(lags, 95)),
      'max ms': Math.round(Math.max(...lags)),
      'not fresh in 60 s': missed,
      // Found by the FALLBACK_MS query rather than at a commit's notification: late by up to FALLBACK_MS.
      'found by fallback': byFallback,
      'answer p50/p95 ms': `${Math.round(pct(answers, 50))}/${Math.round(pct(answers, 95))}`,
      'runs (users/run)': `${runs.n} (${runs.users ?? 0})`,
      'run ms p50/p95/max': `${runs.p50 ?? '-'}/${runs.p95 ?? '-'}/${runs.max ?? '-'}`,
      // The worker's VACUUMs (INTERACTIONS_VACUUM_ROWS, USERS_VACUUM_ROWS): of partitions / of community_users.
      'vacuums part./users': `${vacuums1.partitions - vacuums0.partitions}/${vacuums1.users - vacuums0.users}`,
      'cpu client/server/machine %': [
        Math.round(((cpu1.client.user + cpu1.client.system) / 1e6 / elapsed) * 100),
        Math.round(((cpu1.server - cpu0.server) / 1000 / elapsed) * 100),
        Math.round(busy * 100 * os.cpus().length),
      ].join('/'),
      'pg cpu ingest/worker/watcher %': Object.values(pgCpuShares(cpu0.pg, cpu1.pg))
        .map((ms) => Math.round((ms / 1000 / elapsed) * 100))
        .join('/'),
      'worker backends: top states %': [...waited.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([w, n]) => `${w} ${Math.round((n / Math.max(1, sampled)) * 100)}`)
        .join(', '),
      load: loadAfterSend,
    },
    full: fullResult,
  };
}

/** Manual VACUUMs so far of user_interactions' partitions and of community_users (the worker's, src/db/vacuum.ts). */
async function manualVacuums(pool: Pool): Promise<{ partitions: number; users: number }> {
  const { rows } = await pool.query<{ partitions: number; users: number }>(
    `SELECT coalesce(sum(s.vacuum_count) FILTER (WHERE i.inhrelid IS NOT NULL), 0)::int AS partitions,
            coalesce(sum(s.vacuum_count) FILTER (WHERE s.relname = 'community_users'), 0)::int AS users
     FROM pg_stat_user_tables s LEFT JOIN pg_inherits i ON i.inhrelid = s.relid AND i.inhparent = 'user_interactions'::regclass`,
  );
  return rows[0];
}

/** Loads the users and interactions, or, in a kept database that holds them, deletes what the last run added. */
async function prepare(pool: Pool, fresh: boolean): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS bench_freshness_load (users int, interactions int, max_id bigint)');
  const [loaded] = (await pool.query<{ users: number; interactions: number; max_id: string }>('SELECT * FROM bench_freshness_load')).rows;
  const t = performance.now();
  if (!fresh && loaded?.users === USERS && loaded.interactions === INTERACTIONS) {
    const del = await pool.query('DELETE FROM user_interactions WHERE id > $1', [loaded.max_id]);
    await pool.query('TRUNCATE conversion_pending, agent_logs CASCADE');
    await pool.query('DELETE FROM graphile_worker._private_jobs');
    await pool.query('VACUUM ANALYZE user_interactions');
    // Every run from the state a fresh load leaves: the rows an earlier run rescored or added and
    // deleted leave their indexes bloated (VACUUM gives no page back; with autovacuum off the score
    // indexes of community_users had grown from about 3 to 64-114 MB each after five runs), which
    // made later runs slower than earlier ones on the same build (BENCHMARKS.md, sixth session).
    // The current month's partition holds what the runs add.
    // VACUUM FULL leaves the visibility map empty (relallvisible 0): the plain VACUUM after it marks
    // every page all-visible again, as after a fresh load (and as autovacuum keeps them), so that the
    // incremental runs read the partition index-only. Without it they read its heap through a bitmap
    // scan: 3,000 users' scoring took 440-530 ms against 150-180 ms (seventh session).
    const current = partitionName(monthStart(new Date()));
    await pool.query(`VACUUM (FULL) community_users, ${current}`);
    await pool.query(`VACUUM (ANALYZE) community_users, ${current}`);
    const [vm] = (
      await pool.query<{ pages: number; visible: number }>(
        'SELECT relpages AS pages, relallvisible AS visible FROM pg_class WHERE oid = $1::regclass',
        [current],
      )
    ).rows;
    console.log(
      `kept database: ${USERS} users, ${INTERACTIONS} interactions (${del.rowCount} of the last run deleted; community_users and ${current} rewritten, ${vm.visible} of its ${vm.pages} pages all-visible)`,
    );
    return;
  }
  await pool.query(
    'TRUNCATE community_users, user_interactions, conversion_pending, agent_logs, bench_freshness_load RESTART IDENTITY CASCADE',
  );
  await pool.query(`INSERT INTO community_users (handle, platform) SELECT 'u' || g, 'youtube' FROM generate_series(1, $1::int) g`, [USERS]);
  // The month partitions of the 180 days first (docs/data-model.md "Partitions").
  await ensureMonths(async (text, params) => (await pool.query(text, params)).rows, new Date(Date.now() - 181 * 86_400_000), new Date());
  await pool.query(
    `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
     SELECT 1 + (random() * ($1::int - 1))::int, (ARRAY['view','like','comment','share','click','follow','signup','purchase'])[1 + (random() * 7)::int],
            now() - random() * interval '180 days'
     FROM generate_series(1, $2::int)`,
    [USERS, INTERACTIONS],
  );
  await pool.query('INSERT INTO bench_freshness_load SELECT $1, $2, max(id) FROM user_interactions', [USERS, INTERACTIONS]);
  await pool.query('VACUUM ANALYZE');
  console.log(`loaded ${USERS} users, ${INTERACTIONS} interactions in ${((performance.now() - t) / 1000).toFixed(1)} s; load ${load()}`);
}

/** EXPLAIN ANALYZE of one incremental statement over `n` random users, rolled back. */
async function explain(pool: Pool, n: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
    const ids = [...new Set(Array.from({ length: n }, () => 1 + Math.floor(rnd() * USERS)))];
    const asOf = new Date();
    const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${RECOMPUTE_SQL}`, [asOf, windowStart(asOf, 30), null, TIER_RANKS, ids]);
    console.log(`EXPLAIN ANALYZE, incremental statement over ${ids.length} users:\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

async function main() {
  // The built server with its in-process worker; the schedules off, so only the ingest triggers run.
  const env = { LOG_LEVEL: 'warn', WORKER: 'on', SCHEDULE_CONVERSION: 'off', SCHEDULE_SNAPSHOT: 'off', SCHEDULE_ANALYTICS: 'off' };
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  await onScratchServer('creator_bench_fresh', { port: PORT, nodeArgs, env, keep: KEEP }, async (server, dbUrl, fresh) => {
    const pool = new Pool({ connectionString: dbUrl, max: 4, application_name: BENCH_APP });
    const commits = new CommitWatch(dbUrl);
    await commits.listener.start();
    await prepare(pool, fresh);
    if (process.env.BENCH_EXPLAIN === '1') await explain(pool, EXPLAIN_USERS);
    const idle = [await fullRecompute(server), await fullRecompute(server)];
    console.log(`full recompute, idle: ${idle.map((f) => `${f.executionMs} ms (wall ${f.wallMs} ms)`).join(', then ')}; load ${load()}`);
    const table = [];
    for (const rate of RATES) {
      table.push((await round(server, pool, commits, { rate, seconds: SECONDS })).row);
      console.table(table);
    }
    if (BUSY_RATE > 0) {
      const busy = await round(server, pool, commits, { rate: BUSY_RATE, seconds: 30, fullAtMs: 10_000 });
      console.table([{ ...busy.row, 'asked /s': `${BUSY_RATE} + full` }]);
      console.log(
        `full recompute: idle ${idle[1].executionMs} ms; with the workers busy at ${BUSY_RATE}/s ${busy.full!.executionMs} ms (wall ${busy.full!.wallMs} ms)`,
      );
    }
    await commits.listener.stop();
    await pool.end();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
