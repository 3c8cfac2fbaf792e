/** The peer benchmark's tables (markdown), its section of BENCHMARKS.md and its chart (docs/bench-peers.svg). */
import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult, Round } from './measure';
import type { PeerKey } from './peers';

/** One run at one connection count; a later run at the same count replaces it in the report. */
export interface PeersRun {
  command: string;
  at: string;
  machine: string;
  pgVersion: string;
  connections: number;
  seconds: number;
  labels: Record<string, string>;
  checks: CheckResult[];
  rounds: Round[];
}

const START = '<!-- bench:peers:start -->';
const END = '<!-- bench:peers:end -->';
const COLORS: Record<PeerKey, string> = { ours: '#2ca02c', base: '#98df8a', pg4: '#1f77b4', pg5: '#9467bd', floor: '#7f7f7f' };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ms = (v: number) => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);

function statements(c: CheckResult | undefined): string {
  if (!c || c.statements === null) return 'n/a';
  const data = c.statements - (c.control ?? 0);
  const control = c.control ? ` + ${c.control} BEGIN/COMMIT/SET` : '';
  const own = c.ownCount === null ? '' : ` (its queryStats: ${c.ownCount})`;
  const background = c.backgroundPerSecond ? `; + ${c.backgroundPerSecond}/s while idle` : '';
  return `${Math.round(data * 100) / 100}${control}${own}${background}`;
}

/** The per-server table and the per-round table of one run. */
export function runTables(run: PeersRun): string {
  const keys = [...new Set([...run.checks.map((c) => c.key), ...run.rounds.map((r) => r.key)])];
  const roundNos = [...new Set(run.rounds.map((r) => r.round))];
  const of = (key: string) => run.rounds.filter((r) => r.key === key);
  const ours = of('ours');
  const out = [
    `### ${run.connections} connections, ${roundNos.length === 1 ? 'one round' : `${roundNos.length} interleaved rounds`} of ` +
      `${run.seconds} s`,
    '',
    `Command: \`${run.command}\` (${run.at}). Machine: ${run.machine}; PostgreSQL ${run.pgVersion}. ` +
      'req/s, p50, p99 and CPU: the median over the rounds; ours ÷ peer: req/s of the same round.',
    '',
    '| server | req/s | p50 | p99 | SQL statements / request | server CPU / request | errors | ours ÷ this, per round | median ratio |',
    '|---|---:|---:|---:|---|---:|---:|---|---:|',
  ];
  for (const key of keys) {
    const check = run.checks.find((c) => c.key === key);
    const rs = of(key);
    if (check?.failed || !rs.length) {
      out.push(`| ${run.labels[key]} | did not run: ${(check?.failed ?? 'no rounds').replace(/\|/g, '/').slice(0, 200)} | | | | | | | |`);
      continue;
    }
    const ratios =
      key === 'ours'
        ? []
        : rs.flatMap((r) => {
            const o = ours.find((x) => x.round === r.round);
            return o ? [o.reqPerSec / r.reqPerSec] : [];
          });
    out.push(
      `| ${run.labels[key]} | ${median(rs.map((r) => r.reqPerSec)).toFixed(0)} | ${ms(median(rs.map((r) => r.p50Ms)))} | ` +
        `${ms(median(rs.map((r) => r.p99Ms)))} | ${statements(check)} | ${ms(median(rs.map((r) => r.cpuMsPerRequest)))} | ` +
        `${rs.reduce((n, r) => n + r.errors, 0)} | ${ratios.map((x) => x.toFixed(2)).join(', ')} | ` +
        `${ratios.length ? `${median(ratios).toFixed(2)}x` : ''} |`,
    );
  }
  const measured = keys.filter((k) => of(k).length);
  // Each cell: the round's req/s and the load average (1/5/15 min) when it started.
  out.push('', `| round | ${measured.map((k) => `${run.labels[k]}: req/s (load average)`).join(' | ')} |`);
  out.push(`|---:|${measured.map(() => '---|').join('')}`);
  for (const n of roundNos) {
    const rs = measured.map((k) => run.rounds.find((r) => r.key === k && r.round === n));
    const cell = (r: Round | undefined) => (r ? `${r.reqPerSec.toFixed(0)} (${r.load.map((x) => x.toFixed(2)).join(' ')})` : '');
    out.push(`| ${n} | ${rs.map(cell).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** Bars of the median req/s, one group per connection count. */
export function chartSvg(runs: PeersRun[]): string {
  const W = 40 * 4 + 50;
  const H = 260;
  const top = 48; // room for the title and the tallest bar's label
  const base = H - 50;
  const max = Math.max(1, ...runs.flatMap((run) => run.rounds.map((r) => r.reqPerSec)));
  const parts: string[] = [];
  runs.forEach((run, g) => {
    const ox = 40 + g * W;
    const keys = [...new Set(run.rounds.map((r) => r.key))];
    keys.forEach((key, i) => {
      const v = median(run.rounds.filter((r) => r.key === key).map((r) => r.reqPerSec));
      const h = ((base - top) * v) / max;
      const x = ox + i * 40;
      parts.push(`<rect x="${x}" y="${(base - h).toFixed(1)}" width="32" height="${h.toFixed(1)}" fill="${COLORS[key]}"/>`);
      parts.push(`<text x="${x + 16}" y="${(base - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${v.toFixed(0)}</text>`);
    });
    parts.push(`<text x="${ox + 80}" y="${base + 16}" text-anchor="middle" font-size="12">${run.connections} connections</text>`);
  });
  const labels = runs[0]?.labels ?? {};
  (Object.keys(COLORS) as PeerKey[])
    .filter((k) => labels[k])
    .forEach((k, i) => {
      parts.push(`<rect x="${40 + i * 170}" y="${H - 24}" width="12" height="12" fill="${COLORS[k]}"/>`);
      parts.push(`<text x="${58 + i * 170}" y="${H - 14}" font-size="11">${labels[k].replace(/ \(.*/, '').replace(/&/g, '&amp;')}</text>`);
    });
  const width = Math.max(40 + runs.length * W, 40 + 4 * 170);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}"
  font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="40" y="18" font-weight="bold">The nested read (50 contents, plan, insight): req/s, median round</text>
<line x1="30" x2="${width - 10}" y1="${base}" y2="${base}" stroke="#888"/>
${parts.join('\n')}
</svg>
`;
}

/** Replaces the generated part of BENCHMARKS.md's peer section and the chart. */
export function writeReport(root: string, runs: PeersRun[]) {
  const file = path.join(root, 'BENCHMARKS.md');
  const current = fs.readFileSync(file, 'utf8');
  if (!current.includes(START) || !current.includes(END)) throw new Error(`BENCHMARKS.md has no ${START} ... ${END} markers`);
  const [head, rest] = current.split(START);
  const tail = rest.split(END)[1];
  const body = [...runs]
    .sort((a, b) => a.connections - b.connections)
    .map(runTables)
    .join('\n');
  fs.writeFileSync(file, `${head}${START}\n${body}\n![req/s of the peers](docs/bench-peers.svg)\n${END}${tail}`);
  fs.writeFileSync(path.join(root, 'docs', 'bench-peers.svg'), chartSvg([...runs].sort((a, b) => a.connections - b.connections)));
}
