/**
 * npm run bench [-- --datasets s,m,l,xl --ops engagement,snapshot,analysis --impls before,seed-after,ours
 *                  --runs 3 --max-min 5 --http-dataset l --limit-datasets l,xl --no-http --no-limit --no-write --merge --report-only]
 *
 * Seeds (or reuses) one database per dataset, times the original design's "before" and
 * "seed-after" agents (TypeORM, in a child process) and ours (the GraphQL mutation on the real
 * server) side by side, checks that they agree, runs the HTTP load and the raw-SQL limit, and
 * writes BENCHMARKS.md and docs/benchmarks.svg.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { CASES } from './cases';
import { DATASETS, ensureDataset } from './datasets';
import { runHttpLoad, HttpRow } from './http-load';
import { Impl, IMPLS, measureCase, ResultRow } from './measure';
import { LimitRow, runLimit } from './limit';
import { machine, Report, writeReport } from './report';
import { startServer } from './server';
import { startWorker } from './worker-client';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench-results');

function parseArgs(argv: string[]) {
  const list = (name: string, all: string[]) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1].split(',') : all;
  };
  const num = (name: string, d: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  return {
    datasets: list(
      'datasets',
      DATASETS.filter((d) => !d.optIn).map((d) => d.name),
    ),
    ops: list(
      'ops',
      CASES.map((c) => c.op),
    ),
    impls: list('impls', IMPLS) as Impl[],
    runs: num('runs', 3),
    maxRunMs: num('max-min', 5) * 60_000,
    http: !argv.includes('--no-http'),
    limit: !argv.includes('--no-limit'),
    write: !argv.includes('--no-write'),
    merge: argv.includes('--merge'),
    httpDataset: list('http-dataset', ['l'])[0],
    limitDatasets: list('limit-datasets', ['l', 'xl']),
  };
}

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(OUT, { recursive: true });
  if (process.argv.includes('--report-only')) {
    // Rewrites BENCHMARKS.md and the chart from the last run's bench-results/results.json.
    writeReport(ROOT, JSON.parse(fs.readFileSync(path.join(OUT, 'results.json'), 'utf8')));
    return;
  }
  let adminUrl = process.env.DATABASE_URL;
  let embedded: { stop(): Promise<void> } | null = null;
  if (!adminUrl) {
    log('DATABASE_URL is not set: starting an embedded PostgreSQL under .data/bench');
    const e = await startEmbeddedPostgres({ dataDir: path.join(ROOT, '.data', 'bench'), port: 54339, database: 'postgres' });
    embedded = e;
    adminUrl = e.url;
  }
  log('building the server (tsc -p tsconfig.build.json)');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const pgVersion = await (async () => {
    const p = new Pool({ connectionString: adminUrl });
    const v = (await p.query('SHOW server_version')).rows[0].server_version;
    await p.end();
    return v;
  })();

  const port = Number(process.env.BENCH_PORT ?? 4210);
  const prev: Partial<Report> =
    args.merge && fs.existsSync(path.join(OUT, 'results.json')) ? JSON.parse(fs.readFileSync(path.join(OUT, 'results.json'), 'utf8')) : {};
  const results: ResultRow[] = prev.results ?? [];
  const seeds: Report['seeds'] = prev.seeds ?? [];
  let http: HttpRow[] = prev.http ?? [];
  const limit: LimitRow[] = (prev.limit ?? []).filter(
    (l) => !(args.limit && args.limitDatasets.includes(l.dataset) && args.datasets.includes(l.dataset)),
  );
  const load: string[] = [
    ...(prev.load ?? []),
    `start${args.merge ? ' (merged run)' : ''}: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`,
  ];
  for (const ds of DATASETS.filter((d) => args.datasets.includes(d.name))) {
    const { url, seed } = await ensureDataset(adminUrl, ds, log);
    if (seed) {
      seeds.push({ dataset: ds.name, ms: seed.ms, rows: seed.rows });
      // New data: the saved reference results of this dataset no longer apply.
      for (const c of CASES) fs.rmSync(path.join(OUT, 'ref', `${c.op}-${ds.name}.json`), { force: true });
    }
    const pool = new Pool({ connectionString: url, max: 2 });
    const worker = await startWorker(url);
    const server = await startServer({ root: ROOT, databaseUrl: url, port, logFile: path.join(OUT, `server-${ds.name}.log`) });
    try {
      for (const c of CASES.filter((x) => args.ops.includes(x.op) && x.datasets.includes(ds.name))) {
        const rows = await measureCase(c, ds, {
          pool,
          worker,
          server,
          runs: args.runs,
          maxRunMs: args.maxRunMs,
          previous: results,
          log,
          impls: args.impls,
          refDir: path.join(OUT, 'ref'),
        });
        // --merge: these rows replace the same (operation, dataset, implementation) of the previous run.
        for (const r of rows) {
          const i = results.findIndex((x) => x.op === r.op && x.dataset === r.dataset && x.impl === r.impl);
          if (i >= 0) results[i] = r;
          else results.push(r);
        }
        fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ ...prev, results, seeds }, null, 2));
      }
      if (args.limit && args.limitDatasets.includes(ds.name))
        limit.push(...(await runLimit({ url, server, pool, dataset: ds, out: OUT, log })));
      if (args.http && ds.name === args.httpDataset) http = await runHttpLoad({ server, log });
      load.push(`after dataset ${ds.name}: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    } finally {
      await server.stop();
      await worker.stop();
      await pool.end();
    }
  }
  if (embedded) await embedded.stop();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const report: Report = {
    command: prev.command && args.merge ? `${prev.command}, then ${command}` : command,
    machine: machine(),
    pgVersion,
    load,
    results,
    seeds,
    http,
    limit,
    at: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(report, null, 2));
  if (args.write) writeReport(ROOT, report);
  log('done');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
