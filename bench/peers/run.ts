/**
 * npm run bench:peers [-- --rounds 5 --duration 10 --warmup 5 --connections 10[,50] --servers ours,pg4,pg5,floor --port 4310
 *                       --query nested|detail --write]
 *
 * The nested read (50 contents -> plan -> insight), or with `--query detail` one insight by id and
 * its 10 newest content plans (the insight with the most plans; bench/peers/peers.ts), on ours,
 * PostGraphile 4, PostGraphile 5 and a
 * bare prepared-join floor, all on one database of dataset L (creator_peers_l on DATABASE_URL's
 * server, seeded by the repository's seed and migrated by its migrations). First the check: each
 * server behind a statement-counting proxy must return the same rows. Then interleaved autocannon
 * rounds against the servers connected directly. Prints the tables; --write also puts them into
 * BENCHMARKS.md (between the bench:peers markers) and docs/bench-peers.svg (the nested read only).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { DATASETS, ensureDataset } from '../../scripts/bench/datasets';
import { machine } from '../../scripts/bench/report';
import { BENCH_KEY } from '../../scripts/bench/server';
import { checkPeers, runRounds } from './measure';
import { Peer, PEERS, PEERS_DIR, PeerKey, peersFor, READS, ReadName, ROOT, RunningPeer } from './peers';
import { PeersRun, runTables, writeReport } from './report';

const OUT = path.join(ROOT, 'bench-results');
/** The runs of a read (the nested read's file keeps its old name). */
const resultsOf = (read: ReadName) => path.join(OUT, read === 'nested' ? 'peers.json' : `peers-${read}.json`);
const USAGE =
  'usage: npm run bench:peers -- [--rounds N] [--duration S] [--warmup S] [--connections 10,50]\n' +
  '  [--servers ours,pg4,pg5,floor] [--port P] [--query nested|detail] [--write]';

function parseArgs(argv: string[]) {
  const vals: Record<string, string> = {};
  let write = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--write') write = true;
    else if (argv[i].startsWith('--') && i + 1 < argv.length) vals[argv[i].slice(2)] = argv[++i];
    else throw new Error(`unexpected argument "${argv[i]}"\n${USAGE}`);
  }
  const ints = (name: string, fallback: string) => {
    const list = (vals[name] ?? fallback).split(',').map(Number);
    if (!list.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--${name} takes positive integers\n${USAGE}`);
    delete vals[name];
    return list;
  };
  const query = (vals.query ?? 'nested') as ReadName;
  delete vals.query;
  if (!READS.includes(query)) throw new Error(`--query takes ${READS.join(' or ')}\n${USAGE}`);
  if (write && query !== 'nested') throw new Error(`--write reports the nested read only\n${USAGE}`);
  const servers = (vals.servers ?? PEERS.map((p) => p.key).join(',')).split(',') as PeerKey[];
  delete vals.servers;
  const unknown = servers.find((s) => !PEERS.some((p) => p.key === s));
  if (unknown) throw new Error(`unknown server "${unknown}"\n${USAGE}`);
  const args = {
    rounds: ints('rounds', '5')[0],
    seconds: ints('duration', '10')[0],
    warmupSeconds: ints('warmup', '5')[0],
    connections: ints('connections', '10'),
    port: ints('port', '4310')[0],
    servers,
    query,
    write,
  };
  if (Object.keys(vals).length) throw new Error(`unknown option --${Object.keys(vals)[0]}\n${USAGE}`);
  return args;
}

const log = (m: string) => process.stderr.write(`[peers ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL must name a PostgreSQL server the benchmark may create creator_peers_l on');
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(path.join(PEERS_DIR, 'node_modules', 'postgraphile4'))) {
    log('installing the peers (npm install in bench/peers)');
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' });
  }
  log('building the server (npm run build)');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const { url } = await ensureDataset(
    adminUrl,
    DATASETS.find((d) => d.name === 'l')!,
    log,
    'creator_peers',
  );
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const pgVersion = (await pg.query('SHOW server_version')).rows[0].server_version;
  // The detail read's insight: the one with the most plans (at least 10, so the page is full).
  const [top] = (
    await pg.query<{ id: number; plans: number }>(
      'SELECT insight_id AS id, count(*)::int AS plans FROM content_plans WHERE insight_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1',
    )
  ).rows;
  await pg.end();
  if (args.query === 'detail') {
    if (!top || top.plans < 10) throw new Error(`the detail read needs an insight with 10 plans or more; the most has ${top?.plans ?? 0}`);
    log(`detail read: insight ${top.id} (${top.plans} plans)`);
  }

  const peers = peersFor(args.query, top?.id).filter((p) => args.servers.includes(p.key));
  const labels = Object.fromEntries(peers.map((p) => [p.key, p.label]));
  const checks = await checkPeers(peers, { databaseUrl: url, port: args.port, out: OUT, log });
  const running: { peer: Peer; server: RunningPeer }[] = [];
  const runs: PeersRun[] = [];
  try {
    for (const [i, peer] of peers.entries()) {
      if (checks.find((c) => c.key === peer.key)?.failed) continue;
      const logFile = path.join(OUT, `peers-${peer.key}.log`);
      running.push({ peer, server: await peer.start({ databaseUrl: url, port: args.port + 1 + i, logFile, check: false }) });
    }
    // What each answer looks like on the wire (status line aside): its headers and its body's size.
    for (const { peer, server } of running) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
        body: JSON.stringify({ query: peer.query }),
      });
      const body = await res.text();
      log(`${peer.key}: ${body.length} bytes; ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    }
    const command = `npm run bench:peers${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    for (const connections of args.connections) {
      const { rounds: count, seconds, warmupSeconds } = args;
      const rounds = await runRounds(running, { rounds: count, seconds, warmupSeconds, connections, log, databaseUrl: url });
      const at = new Date().toISOString();
      const run: PeersRun = { command, at, machine: machine(), pgVersion, connections, seconds: args.seconds, labels, checks, rounds };
      runs.push(run);
      process.stdout.write(`\n${runTables(run)}\n`);
    }
  } finally {
    for (const { server } of running) await server.stop();
  }
  // A run replaces the previous one at the same connection count; the others stay in the report.
  const RESULTS = resultsOf(args.query);
  const previous: PeersRun[] = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : [];
  const all = [...previous.filter((p) => !runs.some((r) => r.connections === p.connections)), ...runs];
  fs.writeFileSync(RESULTS, JSON.stringify(all, null, 2));
  if (args.write) {
    writeReport(ROOT, all);
    log('wrote BENCHMARKS.md (Peers: the nested read) and docs/bench-peers.svg');
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
