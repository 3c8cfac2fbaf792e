/**
 * Freshness benchmark of the automatic agents (docs/agents.md "Automatic agents"): 4 clients send
 * recordInteractions batches of 100 at a fixed total rate; for a sample of the batches, the time
 * from the mutation's response to the moment every user of the batch has a `score_updated_at` at
 * or after the batch's timestamp (the batch is sent with an explicit timestamp: the client's clock
 * when it sends it; client, server and PostgreSQL share this machine's clock).
 * `npm run bench:freshness` (DATABASE_URL names the PostgreSQL server; this script creates and drops
 * its own database there). The server is the built one (`npm run build`, scripts/bench/server.ts) in a child process, with its
 * in-process worker (WORKER=on, RECOMPUTE_DEBOUNCE_MS default 250).
 *
 * Env: BENCH_RATES (interactions/s, comma-separated; 2000,10000,30000), BENCH_SECONDS (per rate, 60),
 * BENCH_USERS (100000), BENCH_INTERACTIONS (loaded before, 5000000), BENCH_SAMPLE (every Nth batch, 10),
 * BENCH_PORT (4202).
 * A rate the machine does not sustain shows as fewer sent than asked (the clients fall behind).
 */
import fs from 'node:fs';
import { Pool } from 'pg';
import { BENCH_KEY, onScratchServer } from './bench/server';
import { ensureMonths } from '../src/db/partitions';

const PORT = Number(process.env.BENCH_PORT ?? 4202);
const RATES = (process.env.BENCH_RATES ?? '2000,10000,30000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 5_000_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 10);
const BATCH = 100;
const CLIENTS = 4;
const TYPES = ['VIEW', 'LIKE', 'COMMENT', 'SHARE', 'CLICK', 'FOLLOW', 'SIGNUP', 'PURCHASE'];
const MUTATION = 'mutation Ingest($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Waits until every user of the batch is scored as of `ts` or later; returns when it saw it. */
async function covered(pool: Pool, users: number[], ts: Date, deadline: number): Promise<number | null> {
  for (;;) {
    const r = await pool.query('SELECT count(*)::int AS n FROM community_users WHERE id = ANY($1) AND score_updated_at >= $2', [users, ts]);
    if (r.rows[0].n === new Set(users).size) return performance.now();
    if (performance.now() > deadline) return null;
    await sleep(10);
  }
}

async function round(rate: number, pool: Pool, maxUser: number) {
  const batchesPerClient = (rate / BATCH / CLIENTS) * SECONDS;
  const gapMs = 1000 / (rate / BATCH / CLIENTS);
  let seed = rate;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lags: number[] = [];
  const waits: Promise<void>[] = [];
  let sent = 0;
  let missed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < batchesPerClient; i++) {
        const due = t0 + i * gapMs + (c * gapMs) / CLIENTS;
        const now = performance.now();
        if (now - t0 > SECONDS * 1000) break; // behind the asked rate: the round still lasts SECONDS
        if (due > now) await sleep(due - now);
        const ts = new Date();
        const users = Array.from({ length: BATCH }, () => 1 + Math.floor(rnd() * maxUser));
        const input = users.map((u) => ({ userId: String(u), type: TYPES[Math.floor(rnd() * TYPES.length)], timestamp: ts.toISOString() }));
        const res = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
          body: JSON.stringify({ query: MUTATION, variables: { input } }),
        });
        const json = (await res.json()) as { errors?: unknown[] };
        if (json.errors) throw new Error(JSON.stringify(json.errors));
        const answered = performance.now();
        sent += 1;
        if (sent % SAMPLE === 0) {
          waits.push(
            covered(pool, users, ts, answered + 60_000).then((seen) => {
              if (seen === null) missed += 1;
              else lags.push(seen - answered);
            }),
          );
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const loadAfterSend = load();
  await Promise.all(waits);
  return {
    'asked /s': rate,
    'sent /s': Math.round((sent * BATCH) / elapsed),
    samples: lags.length,
    'p50 ms': Math.round(pct(lags, 50)),
    'p95 ms': Math.round(pct(lags, 95)),
    'max ms': Math.round(Math.max(...lags)),
    'not fresh in 60 s': missed,
    load: loadAfterSend,
  };
}

async function main() {
  // The built server with its in-process worker; the schedules off, so only the ingest triggers run.
  const env = { LOG_LEVEL: 'warn', WORKER: 'on', SCHEDULE_CONVERSION: 'off', SCHEDULE_SNAPSHOT: 'off', SCHEDULE_ANALYTICS: 'off' };
  await onScratchServer('creator_bench_fresh', { port: PORT, env }, async (_server, dbUrl) => {
    const pool = new Pool({ connectionString: dbUrl, max: 20 });
    const t = performance.now();
    await pool.query(`INSERT INTO community_users (handle, platform) SELECT 'u' || g, 'youtube' FROM generate_series(1, $1::int) g`, [
      USERS,
    ]);
    // The month partitions of the 180 days first (docs/data-model.md "Partitions").
    await ensureMonths(async (text, params) => (await pool.query(text, params)).rows, new Date(Date.now() - 181 * 86_400_000), new Date());
    await pool.query(
      `INSERT INTO user_interactions (user_id, interaction_type, timestamp)
       SELECT 1 + (random() * ($1::int - 1))::int, (ARRAY['view','like','comment','share','click','follow','signup','purchase'])[1 + (random() * 7)::int],
              now() - random() * interval '180 days'
       FROM generate_series(1, $2::int)`,
      [USERS, INTERACTIONS],
    );
    await pool.query('ANALYZE');
    console.log(`loaded ${USERS} users, ${INTERACTIONS} interactions in ${((performance.now() - t) / 1000).toFixed(1)} s; load ${load()}`);
    const table = [];
    for (const rate of RATES) {
      table.push(await round(rate, pool, USERS));
      console.table(table);
    }
    await pool.end();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
