/** The bench:scale table of BENCHMARKS.md (between its markers), from bench-results/scale.json. */
import fs from 'node:fs';
import path from 'node:path';
import { fmtMs } from './report';

export interface Measure {
  median: number;
  runs: number[];
  note: string;
  /** Load average (1, 5, 15 min) when the measure ended. */
  load: string;
  p95?: number;
}

export interface ScaleRow {
  key: string;
  dataset: string;
  spec: { users: number; interactions: number; content: number; spanDays: number };
  variant: string;
  partitions: number;
  reads: string;
  commit: string;
  at: string;
  seed: { ms: number; phases: Record<string, number>; load: string } | null;
  sizes: { databaseBytes: number; interactionsHeapBytes: number; interactionsIndexBytes: number };
  measures: Record<string, Measure>;
  replicaTransactions?: number;
}

const START = '<!-- bench:scale:start -->';
const END = '<!-- bench:scale:end -->';

const LINES: { key: string; label: string }[] = [
  { key: 'seed', label: 'seed (npm run seed: COPY, indexes, foreign keys, ANALYZE)' },
  { key: 'size.database', label: 'database on disk' },
  { key: 'size.heap', label: 'user_interactions: table' },
  { key: 'size.indexes', label: 'user_interactions: its indexes' },
  { key: 'recompute.full', label: 'full recompute (30 days, half-life 14), from reset scores' },
  { key: 'recompute.rerun', label: 'full recompute, nothing changed' },
  { key: 'recompute.incremental', label: 'incremental recompute of 1,000 users (the run)' },
  { key: 'recompute.incrementalFresh', label: 'incremental: ingest answered -> scores committed' },
  { key: 'snapshot.30d', label: 'performance snapshot, 30 days' },
  { key: 'snapshot.all', label: 'performance snapshot, whole history' },
  { key: 'read.nested', label: 'nested read contents -> plan -> insight (p50 / p95)' },
  { key: 'read.userInteractions', label: 'top 50 users -> 10 newest interactions each (p50 / p95)' },
  { key: 'read.timeSeries', label: 'engagementTimeSeries DAY, 90 days, uncached (p50 / p95)' },
];

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);
const DATASET_ORDER = ['s', 'm', 'l', 'xl', 'xxl'];

/** The figure of one line for one row, as a number (for the growth column) and as text. */
function cell(row: ScaleRow, key: string): { v: number; text: string } | null {
  switch (key) {
    case 'seed':
      return row.seed ? { v: row.seed.ms, text: fmtMs(row.seed.ms) } : null;
    case 'size.database':
      return { v: row.sizes.databaseBytes, text: gib(row.sizes.databaseBytes) };
    case 'size.heap':
      return { v: row.sizes.interactionsHeapBytes, text: gib(row.sizes.interactionsHeapBytes) };
    case 'size.indexes':
      return { v: row.sizes.interactionsIndexBytes, text: gib(row.sizes.interactionsIndexBytes) };
    default: {
      const m = row.measures[key];
      if (!m) return null;
      return { v: m.median, text: m.p95 === undefined ? fmtMs(m.median) : `${fmtMs(m.median)} / ${fmtMs(m.p95)}` };
    }
  }
}

const WHERE: Record<string, string> = { shared: '', primary: ', own primary', replica: ', reads on its replica' };
const title = (r: ScaleRow) =>
  `${r.dataset.toUpperCase()} ${r.variant}${r.variant === 'partitioned' ? ` (${r.partitions})` : ''}${WHERE[r.reads] ?? ''}`;

export function scaleMarkdown(report: { machine: string; rows: ScaleRow[] }): string {
  // Columns: each (layout, reads) group in the order first measured, its datasets by size, then XL -> XXL.
  const groups: ScaleRow[][] = [];
  for (const r of report.rows) {
    const g = groups.find((x) => x[0].variant === r.variant && x[0].reads === r.reads);
    if (g) g.push(r);
    else groups.push([r]);
  }
  const cols: ({ row: ScaleRow } | { growth: [ScaleRow, ScaleRow] })[] = [];
  for (const g of groups) {
    g.sort((a, b) => DATASET_ORDER.indexOf(a.dataset) - DATASET_ORDER.indexOf(b.dataset));
    for (const row of g) cols.push({ row });
    const xl = g.find((r) => r.dataset === 'xl');
    const xxl = g.find((r) => r.dataset === 'xxl');
    if (xl && xxl) cols.push({ growth: [xl, xxl] });
  }
  const head = cols.map((c) => ('row' in c ? title(c.row) : 'XL -> XXL'));
  const out = [`| | ${head.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`];
  for (const line of LINES) {
    const cells = cols.map((c) => {
      if ('row' in c) return cell(c.row, line.key)?.text ?? '—';
      const [a, b] = [cell(c.growth[0], line.key), cell(c.growth[1], line.key)];
      return a && b && a.v > 0 ? `${(b.v / a.v).toFixed(1)}x` : '—';
    });
    if (cells.every((x) => x === '—')) continue;
    out.push(`| ${line.label} | ${cells.join(' | ')} |`);
  }
  out.push('');
  out.push(`Machine: ${report.machine}. Each column:`);
  out.push('');
  for (const c of cols) {
    if (!('row' in c)) continue;
    const r = c.row;
    const ones = Object.values(r.measures).map((m) => Number(m.load.split(' ')[0]));
    const loads = ones.length ? `${Math.min(...ones).toFixed(1)}–${Math.max(...ones).toFixed(1)}` : '—';
    out.push(
      `- **${title(r)}**: ${r.spec.users.toLocaleString('en-US')} users, ${r.spec.interactions.toLocaleString('en-US')} interactions over ${r.spec.spanDays} days, ${r.spec.content.toLocaleString('en-US')} content; commit ${r.commit}, ${r.at.slice(0, 16).replace('T', ' ')} UTC` +
        (r.seed ? `; seed phases (ms) ${JSON.stringify(r.seed.phases)}, load ${r.seed.load}` : '') +
        (r.replicaTransactions ? `; ${r.replicaTransactions} read transactions counted on the replica` : '') +
        `; 1-minute load average after the measures: ${loads}.`,
    );
  }
  return out.join('\n');
}

export function writeScaleReport(root: string, report: { machine: string; rows: ScaleRow[] }) {
  const file = path.join(root, 'BENCHMARKS.md');
  const md = fs.readFileSync(file, 'utf8');
  const a = md.indexOf(START);
  const b = md.indexOf(END);
  if (a < 0 || b < a) throw new Error(`BENCHMARKS.md has no ${START} ... ${END} section`);
  fs.writeFileSync(file, `${md.slice(0, a + START.length)}\n${scaleMarkdown(report)}\n${md.slice(b)}`);
}
