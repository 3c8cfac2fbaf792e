/** One operation on one dataset: before, seed-after and ours, interleaved run by run, checked. */
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Case } from './cases';
import type { Dataset } from './datasets';
import type { OrmWorker } from './worker-client';
import { peakRssMb, resetPeakRss } from './orm-worker';
import type { BenchServer } from './server';
import { diffScores, diffValues, fromJson, readScores, removeRunRows, resetScores, ScoreState, toJson } from './state';

export type Impl = 'before' | 'seed-after' | 'ours';
export const IMPLS: Impl[] = ['before', 'seed-after', 'ours'];

export interface ResultRow {
  op: string;
  dataset: string;
  label: string;
  size: number;
  impl: Impl;
  runsMs: number[];
  medianMs: number | null;
  statements: number | null;
  peakRssMb: number | null;
  check: string;
  skipped?: string;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface MeasureDeps {
  pool: Pool;
  worker: OrmWorker;
  server: BenchServer;
  runs: number;
  maxRunMs: number;
  /** Medians already measured (smaller datasets) for the skip estimate. */
  previous: ResultRow[];
  log: (m: string) => void;
  impls: Impl[];
  refDir: string;
}

/** A linear estimate from the largest smaller size measured; null when there is none. */
function estimateMs(prev: ResultRow[], c: Case, impl: Impl, size: number): number | null {
  const done = prev.filter((r) => r.op === c.op && r.impl === impl && r.medianMs !== null && r.size < size).sort((a, b) => b.size - a.size);
  return done.length ? (done[0].medianMs! * size) / done[0].size : null;
}

export async function measureCase(c: Case, ds: Dataset, deps: MeasureDeps): Promise<ResultRow[]> {
  const size = c.size(ds);
  const rows = new Map<Impl, ResultRow>();
  for (const impl of deps.impls) {
    const est = estimateMs(deps.previous, c, impl, size);
    const row: ResultRow = {
      op: c.op,
      dataset: ds.name,
      label: c.label(ds),
      size,
      impl,
      runsMs: [],
      medianMs: null,
      statements: null,
      peakRssMb: null,
      check: '',
    };
    if (est !== null && est > deps.maxRunMs) {
      row.skipped = `skipped: est. ${(est / 60_000).toFixed(1)} min per run (linear from the smaller size)`;
      deps.log(`${c.op} ${ds.name} ${impl}: ${row.skipped}`);
    }
    rows.set(impl, row);
  }
  // The reference result is kept on disk, so that a later run of one implementation alone
  // (--impls ours --merge) is still checked against the others.
  const refFile = path.join(deps.refDir, `${c.op}-${ds.name}.json`);
  const saved = fs.existsSync(refFile) ? JSON.parse(fs.readFileSync(refFile, 'utf8')) : undefined;
  let refScores: ScoreState | null = saved && c.op === 'engagement' ? fromJson(saved) : null;
  let refValue: unknown = c.op === 'engagement' ? undefined : saved;
  const save = (v: unknown) => {
    fs.mkdirSync(deps.refDir, { recursive: true });
    fs.writeFileSync(refFile, JSON.stringify(v));
  };
  const checks = new Map<Impl, string[]>();
  for (let run = 0; run < deps.runs; run++) {
    for (const impl of deps.impls) {
      const row = rows.get(impl)!;
      if (row.skipped) continue;
      await removeRunRows(deps.pool, ds.spec.logs);
      if (c.op === 'engagement') await resetScores(deps.pool);
      let value: unknown;
      if (impl === 'ours') {
        resetPeakRss(deps.server.pid);
        const t0 = performance.now();
        const res = await deps.server.gql(c.mutation, c.params);
        const ms = performance.now() - t0;
        if (res.errors?.length) throw new Error(`${c.op} ours: ${JSON.stringify(res.errors)}`);
        row.runsMs.push(ms);
        row.statements = res.extensions?.queryStats?.sqlQueries ?? null;
        row.peakRssMb = Math.max(row.peakRssMb ?? 0, peakRssMb(deps.server.pid));
        value = c.normalize(res.data!.r);
      } else {
        const reply = await deps.worker.run({ op: c.op, impl, params: c.params });
        row.runsMs.push(reply.ms);
        row.statements = reply.statements;
        row.peakRssMb = Math.max(row.peakRssMb ?? 0, reply.peakRssMb);
        value = reply.result;
      }
      deps.log(`${c.op} ${ds.name} ${impl} run ${run + 1}: ${row.runsMs.at(-1)!.toFixed(1)} ms, ${row.statements} statements`);
      // Every run of every implementation is checked against the first result.
      let diff: string | null;
      if (c.op === 'engagement') {
        const state = await readScores(deps.pool);
        diff = refScores ? diffScores(refScores, state) : null;
        if (!refScores) save(toJson((refScores = state)));
      } else {
        diff = refValue === undefined ? null : diffValues(refValue, value);
        if (refValue === undefined) save((refValue = value));
      }
      if (diff) (checks.get(impl) ?? checks.set(impl, []).get(impl)!).push(diff);
      if (row.runsMs.at(-1)! > deps.maxRunMs)
        row.skipped = `stopped after ${row.runsMs.length} run(s): over ${deps.maxRunMs / 60_000} min each`;
    }
  }
  for (const [impl, row] of rows) {
    if (row.runsMs.length) row.medianMs = median(row.runsMs);
    const bad = checks.get(impl);
    row.check = row.runsMs.length === 0 ? '—' : bad ? `MISMATCH: ${bad[0]}` : 'same';
  }
  await removeRunRows(deps.pool, ds.spec.logs);
  return [...rows.values()];
}
