/**
 * npm run bench:peers:cache [-- --rounds 3 --duration 10 --connections 10,50]
 *
 * Ours alone on the peers' database (creator_peers_l, dataset L, created and seeded here when it is
 * missing, as `npm run bench:peers` does): the dashboards' aggregate reads with the result cache on (the default) and
 * off (CACHE_MAX_BYTES=0: no answer kept and none shared in flight, so every request computes), in interleaved autocannon rounds; req/s, p50, p99, server CPU per request and the load
 * average when each round started.
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { DATASETS, ensureDataset } from '../../scripts/bench/datasets';
import { cpuMs, loadOne } from '../../scripts/bench/http-load';
import { startServer } from '../../scripts/bench/server';
import { ROOT } from './peers';

const DASHBOARD = `{
  contentBreakdown(groupBy: [FORMAT, PLATFORM]) { format platform contentCount avgEngagementRate }
  engagementTimeSeries(bucket: WEEK, from: "2026-09-01T00:00:00Z", to: "2026-11-28T00:00:00Z") { bucketStart contentCount avgEngagementRate }
  bestPostingTimes { dayOfWeek hourOfDay avgEngagementRate }
}`;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('DATABASE_URL must name a PostgreSQL server the benchmark may create creator_peers_l on');
  const log = (m: string) => process.stderr.write(`[peers:cache] ${m}\n`);
  const { url } = await ensureDataset(
    admin,
    DATASETS.find((d) => d.name === 'l')!,
    log,
    'creator_peers',
  );
  const rounds = Number(arg('rounds', '3'));
  const seconds = Number(arg('duration', '10'));
  const connections = arg('connections', '10,50').split(',').map(Number);
  const variants: { name: string; env: Record<string, string> }[] = [
    { name: 'cache on', env: {} },
    { name: 'cache off', env: { CACHE_MAX_BYTES: '0' } },
  ];
  const servers = [];
  let port = Number(arg('port', '4330'));
  for (const v of variants) {
    const s = await startServer({
      root: ROOT,
      databaseUrl: url,
      port: port++,
      logFile: path.join(ROOT, 'bench-results', `peers-cache-${v.name.replace(' ', '-')}.log`),
      env: { LOG_LEVEL: 'silent', QUERY_STATS: '1', ...v.env },
    });
    const probe = await s.gql(DASHBOARD);
    if (probe.errors?.length) throw new Error(`${v.name}: ${JSON.stringify(probe.errors)}`);
    servers.push({ ...v, server: s });
  }
  const same =
    JSON.stringify((await servers[0].server.gql(DASHBOARD)).data) === JSON.stringify((await servers[1].server.gql(DASHBOARD)).data);
  if (!same) throw new Error('the cache on and off give different answers');
  const lines = [
    '| connections | round | server | req/s | p50 | p99 | server CPU / request | errors | load average |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  try {
    for (const c of connections) {
      for (const s of servers) await loadOne(s.server.url, DASHBOARD, {}, c, 2); // warm-up
      for (let r = 1; r <= rounds; r++) {
        for (const s of servers) {
          const load = os
            .loadavg()
            .map((x) => x.toFixed(2))
            .join(' ');
          const cpu0 = cpuMs(s.server.pid);
          const res = await loadOne(s.server.url, DASHBOARD, {}, c, seconds);
          const cpu = (cpuMs(s.server.pid) - cpu0) / Math.max(1, res.requests.total);
          const line = `| ${c} | ${r} | ours, ${s.name} | ${Math.round(res.requests.average)} | ${res.latency.p50} ms | ${res.latency.p99} ms | ${cpu.toFixed(2)} ms | ${res.errors + res.non2xx} | ${load} |`;
          console.log(line);
          lines.push(line);
        }
      }
    }
  } finally {
    for (const s of servers) await s.server.stop();
  }
  console.log(`\n${lines.join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
