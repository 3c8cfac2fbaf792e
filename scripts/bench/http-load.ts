/**
 * HTTP load with autocannon against the running server: three reads, each with the per-request
 * DataLoaders batching (normal) and with batching switched off (header x-bench-unbatched: 1, which
 * the server honours only with BENCH_ALLOW_UNBATCHED=1) to show what N+1 costs.
 */
import autocannon from 'autocannon';
import fs from 'node:fs';
import { BENCH_KEY, BenchServer } from './server';
import { ANCHOR } from './datasets';

export interface HttpRow {
  name: string;
  batching: 'on' | 'off';
  connections: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  statementsPerRequest: number | null;
  errors: number;
  /** CPU time of the server process per request (user + system): what the load costs Node alone. */
  serverCpuMsPerRequest: number;
  /** req/s of every round (the row's figures are those of the median round). */
  rounds: number[];
}

/** utime + stime of a process in ms (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const READS = [
  {
    name: '(a) contents(first: 50) → contentPlan → insight',
    query: '{ contents(first: 50) { nodes { contentPlan { insight { topic } } } } }',
  },
  {
    name: '(b) agentPerformance',
    query: '{ agentPerformance { agentName totalRuns successfulRuns failedRuns successRate avgExecutionTime p95ExecutionTime lastRunAt } }',
  },
  {
    name: '(c) communityUsers(first: 100, tier: CHAMPION)',
    query: '{ communityUsers(first: 100, filter: {tier: CHAMPION}) { nodes { id handle tier engagementScore } } }',
  },
];

export async function loadOne(url: string, query: string, headers: Record<string, string>, connections: number, seconds: number) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}`, ...headers },
    body: JSON.stringify({ query }),
  });
}

export async function runHttpLoad(opts: {
  server: BenchServer;
  log: (m: string) => void;
  seconds?: number;
  connections?: number;
  rounds?: number;
}): Promise<HttpRow[]> {
  const { server, log } = opts;
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 10;
  // Tiers exist only after a recompute: (c) must return champions.
  await server.gql(`mutation { recomputeEngagementScores(input: {asOf: "${ANCHOR}", windowDays: 30, halfLifeDays: 14}) { totalUsers } }`);
  const rows: HttpRow[] = [];
  for (const read of READS) {
    for (const batching of ['on', 'off'] as const) {
      const headers: Record<string, string> = batching === 'off' ? { 'x-bench-unbatched': '1' } : {};
      const probe = await server.gql(read.query, undefined, headers);
      if (probe.errors?.length) throw new Error(`${read.name}: ${JSON.stringify(probe.errors)}`);
      await loadOne(server.url, read.query, headers, connections, 3); // warm-up
      // Rounds, keeping the median one by req/s: other work on the shared cores moves single runs.
      const rounds: HttpRow[] = [];
      for (let i = 0; i < (opts.rounds ?? 3); i++) {
        const cpu0 = cpuMs(server.pid);
        const r = await loadOne(server.url, read.query, headers, connections, seconds);
        const cpu = cpuMs(server.pid) - cpu0;
        rounds.push({
          name: read.name,
          batching,
          connections,
          reqPerSec: r.requests.average,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          statementsPerRequest: probe.extensions?.queryStats?.sqlQueries ?? null,
          errors: r.errors + r.non2xx + r.timeouts,
          serverCpuMsPerRequest: cpu / Math.max(1, r.requests.total),
          rounds: [],
        });
      }
      const sorted = [...rounds].sort((a, b) => a.reqPerSec - b.reqPerSec);
      const row = { ...sorted[Math.floor(sorted.length / 2)], rounds: rounds.map((x) => Math.round(x.reqPerSec)) };
      row.errors = rounds.reduce((n, x) => n + x.errors, 0);
      log(
        `http ${read.name} batching ${batching}: ${row.reqPerSec.toFixed(0)} req/s (rounds ${row.rounds.join(', ')}), p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.statementsPerRequest} statements, ${row.errors} errors, ${row.serverCpuMsPerRequest.toFixed(2)} ms server CPU per request`,
      );
      rows.push(row);
    }
  }
  return rows;
}
