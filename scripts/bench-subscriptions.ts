/**
 * Benchmark of the live updates (`npm run bench:subscriptions`): two server instances on one
 * database, SUBSCRIBERS graphql-ws clients on instance A (one agentRunUpdated subscription each),
 * and RUNS recordAgentRun mutations sent one after another to instance B. For each run it times
 * the moment B answered (the write committed) to the moment the last subscriber on A had the event:
 * NOTIFY delivery, A's fan-out and every socket's send. It also prints the notification payload size
 * of each of the four agents' runs (the row as JSON, src/agents/run-agent.ts) and the load average.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:subscriptions [-- --subscribers=200 --runs=50]
 */
import 'reflect-metadata';
import { createClient } from 'graphql-ws';
import os from 'node:os';
import { Client } from 'pg';
import WebSocket from 'ws';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { withDatabase } from '../src/db/url';
import { start } from '../src/main';
import { AGENT_RUN_COLUMNS } from '../src/modules/agent-run/agent-run.type';

const ADMIN_URL = process.env.DATABASE_URL;
if (!ADMIN_URL) {
  console.error('DATABASE_URL (a PostgreSQL server the benchmark may create a database on) is required');
  process.exit(1);
}
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SUBSCRIBERS = arg('subscribers', 100);
const RUNS = arg('runs', 50);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main() {
  const name = `bench_subscriptions_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(ADMIN_URL!, name);
  const stops: (() => Promise<void>)[] = [];
  const load0 = os.loadavg();
  try {
    await runMigrations(url, 'bench-migrations');
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: url,
      PORT: '0',
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'silent',
      API_KEYS: '',
      MAX_WS_CONNECTIONS: String(SUBSCRIBERS + 10),
    });
    const a = await start(config);
    stops.push(a.stop);
    const b = await start(config);
    stops.push(b.stop);
    const gql = async (port: number, query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };

    // Payload sizes: one run of each agent (tuneStrategy after a snapshot exists).
    for (const m of [
      'recomputeEngagementScores { usersScored }',
      'createPerformanceSnapshot { id }',
      'tuneStrategy { version }',
      'analyzeAgentPerformance { run { id } }',
    ]) {
      await gql(b.port, `mutation { ${m} }`);
    }
    const sql = new Client({ connectionString: url });
    await sql.connect();
    const sizes = (
      await sql.query<{ agentName: string; bytes: number }>(
        `SELECT r."agentName", octet_length(to_jsonb(r)::text) AS bytes FROM (SELECT ${AGENT_RUN_COLUMNS} FROM agent_logs t) r ORDER BY r.id::int`,
      )
    ).rows;
    await sql.end();

    // Subscribers on A.
    const got = new Map<string, number>(); // run id -> subscribers that have it
    const done = new Map<string, () => void>();
    const clients = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const client = createClient({ url: `ws://127.0.0.1:${a.port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(client);
      client.subscribe<{ agentRunUpdated: { id: string } }>(
        { query: 'subscription { agentRunUpdated(agentName: "Bench") { id status } }' },
        {
          next: ({ data }) => {
            const id = data!.agentRunUpdated.id;
            const n = (got.get(id) ?? 0) + 1;
            got.set(id, n);
            if (n === SUBSCRIBERS) done.get(id)?.();
          },
          error: (err) => console.error('subscription error', err),
          complete: () => undefined,
        },
      );
    }
    const metrics = async () =>
      (await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text()).match(/^graphql_ws_subscriptions (\d+)/m)?.[1];
    while (Number(await metrics()) < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 50));

    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let resolveAll!: () => void;
      const all = new Promise<void>((r) => (resolveAll = r));
      const data = await gql(
        b.port,
        'mutation { recordAgentRun(input: { agentName: "Bench", status: SUCCESS, startedAt: "2026-01-01T00:00:00Z" }) { id } }',
      );
      const answered = performance.now();
      const id = data.recordAgentRun.id as string;
      if ((got.get(id) ?? 0) === SUBSCRIBERS) resolveAll();
      else done.set(id, resolveAll);
      await all;
      latencies.push(performance.now() - answered);
    }
    await Promise.all(clients.map((c) => c.dispose()));

    console.log(`payload bytes of the agents' final run rows (their RUNNING rows are smaller: no result yet):`);
    for (const s of sizes) console.log(`  ${s.agentName.padEnd(26)} ${s.bytes}`);
    console.log(
      `${RUNS} runs on B, ${SUBSCRIBERS} subscribers on A: B answered -> last subscriber on A has it: ` +
        `p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    console.log(
      `load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${os.cpus().length} cores)`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
