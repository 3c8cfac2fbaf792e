/** BENCHMARKS.md (the generated part between markers) and docs/benchmarks.svg from a bench run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CASES } from './cases';
import type { HttpRow } from './http-load';
import type { LimitRow } from './limit';
import type { Impl, ResultRow } from './measure';
import { chartSvg, Panel } from './svg';

export interface Report {
  command: string;
  machine: string;
  pgVersion: string;
  load: string[];
  at: string;
  results: ResultRow[];
  seeds: { dataset: string; ms: number; rows: Record<string, number> }[];
  http: HttpRow[];
  limit: LimitRow[];
}

/** The machine a run measured, for the tables' header. */
export function machine(): string {
  const cpu = os.cpus();
  return `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';
const COLORS: Record<Impl, string> = { before: '#d62728', 'seed-after': '#ff7f0e', ours: '#2ca02c' };
const X_LABEL: Record<string, string> = { engagement: 'community users', snapshot: 'published content rows', analysis: 'agent log rows' };

export const fmtMs = (ms: number | null) =>
  ms === null
    ? '—'
    : ms < 10
      ? `${ms.toFixed(2)} ms`
      : ms < 1000
        ? `${ms.toFixed(0)} ms`
        : ms < 120_000
          ? `${(ms / 1000).toFixed(2)} s`
          : `${(ms / 60_000).toFixed(1)} min`;
const n = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

function opTables(r: Report): string {
  const out: string[] = [];
  for (const c of CASES) {
    const rows = r.results.filter((x) => x.op === c.op);
    if (!rows.length) continue;
    out.push(`### ${c.title}\n`);
    out.push('| size | implementation | median | runs | SQL statements | peak RSS | vs before | same result |');
    out.push('|---|---|---:|---|---:|---:|---:|---|');
    for (const row of rows) {
      const before = rows.find((x) => x.dataset === row.dataset && x.impl === 'before');
      const speedup = before?.medianMs && row.medianMs && row.impl !== 'before' ? `${(before.medianMs / row.medianMs).toFixed(0)}x` : '';
      const median = row.medianMs === null ? (row.skipped ?? '—') : fmtMs(row.medianMs) + (row.skipped ? ` (${row.skipped})` : '');
      out.push(
        `| ${row.label} | ${row.impl} | ${median} | ${row.runsMs.map((m) => fmtMs(m)).join(', ')} | ${n(row.statements)} | ${row.peakRssMb === null ? '—' : `${row.peakRssMb} MB`} | ${speedup} | ${row.check} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

function httpTable(rows: HttpRow[]): string {
  if (!rows.length) return '';
  const out = [
    '### HTTP load (autocannon, 10 s rounds; the median round by req/s)\n',
    '| read | batching | connections | req/s | rounds (req/s) | p50 | p99 | SQL statements / request | server CPU / request | errors |',
    '|---|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const h of rows)
    out.push(
      `| ${h.name} | ${h.batching} | ${h.connections} | ${h.reqPerSec.toFixed(0)} | ${(h.rounds ?? []).join(', ')} | ${h.p50Ms} ms | ${h.p99Ms} ms | ${n(h.statementsPerRequest)} | ${h.serverCpuMsPerRequest?.toFixed(2) ?? '—'} ms | ${h.errors} |`,
    );
  return `${out.join('\n')}\n`;
}

function limitTable(rows: LimitRow[]): string {
  if (!rows.length) return '';
  const out = [
    "### Against the limit: the agent's own SQL through psql\n",
    '| agent | dataset | statements | SQL alone (psql) | mutation end to end | ratio |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const l of rows)
    out.push(`| ${l.agent} | ${l.dataset} | ${l.statements} | ${fmtMs(l.sqlMs)} | ${fmtMs(l.mutationMs)} | ${l.ratio.toFixed(2)}x |`);
  return `${out.join('\n')}\n`;
}

export function generated(r: Report): string {
  const seeds = r.seeds.length
    ? `Seeding (npm run seed, COPY): ${r.seeds
        .map(
          (s) =>
            `${s.dataset}: ${Object.values(s.rows)
              .reduce((a, b) => a + b, 0)
              .toLocaleString('en-US')} rows in ${fmtMs(s.ms)}`,
        )
        .join('; ')}.\n\n`
    : '';
  return [
    START,
    `Command: \`${r.command}\` (${r.at}). Machine: ${r.machine}; PostgreSQL ${r.pgVersion} (local, default settings).`,
    `Load average (1/5/15 min) during the run: ${r.load.join('; ')}.\n`,
    seeds + opTables(r),
    httpTable(r.http),
    limitTable(r.limit),
    '![time against size, log-log](docs/benchmarks.svg)',
    END,
  ].join('\n');
}

export function writeReport(root: string, r: Report) {
  const file = path.join(root, 'BENCHMARKS.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const [head, rest] = current.split(START);
  const tail = rest?.split(END)[1] ?? '\n';
  fs.writeFileSync(file, `${head}${generated(r)}${tail}`);
  const panels: Panel[] = CASES.filter((c) => r.results.some((x) => x.op === c.op)).map((c) => ({
    title: c.title.replace(/ \(.*\)/, ''),
    xLabel: X_LABEL[c.op],
    series: (['before', 'seed-after', 'ours'] as Impl[]).map((impl) => {
      const rows = r.results.filter((x) => x.op === c.op && x.impl === impl);
      return {
        name: impl,
        color: COLORS[impl],
        points: rows.filter((x) => x.medianMs !== null).map((x) => ({ x: x.size, y: x.medianMs! })),
        skipped: rows.filter((x) => x.medianMs === null).map((x) => x.size),
      };
    }),
  }));
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'docs', 'benchmarks.svg'),
    chartSvg(panels, `median of ${r.results[0]?.runsMs.length ?? 3} runs; ${r.machine}`),
  );
}
