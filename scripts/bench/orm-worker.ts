/**
 * The "before" and "seed-after" implementations run here, in a child process of the benchmark, so
 * that their peak RSS is measured apart from the harness (as the server's is for "ours"). Each
 * request: reset the peak, run, report wall time, SQL statements (a TypeORM logger counts every
 * statement the ORM sends, BEGIN/COMMIT included) and peak RSS.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import type { Logger } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { analysisBefore, analysisSeedAfter } from './orm/agent-stats';
import { withRunLog } from './orm/common';
import { engagementBefore, engagementSeedAfter } from './orm/engagement';
import { snapshotBefore, snapshotSeedAfter } from './orm/snapshot';

export type Op = 'engagement' | 'snapshot' | 'analysis';
export type OrmImpl = 'before' | 'seed-after';
export interface WorkerRequest {
  id: number;
  op: Op;
  impl: OrmImpl;
  params: any;
}
export interface WorkerReply {
  id: number;
  ms: number;
  statements: number;
  peakRssMb: number;
  result: unknown;
  error?: string;
}

let statements = 0;
const counting: Logger = {
  logQuery: () => void statements++,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

const AGENT: Record<Op, string> = { engagement: 'ConversionAgent', snapshot: 'PerformanceAnalyticsAgent', analysis: 'AnalyticsAgent' };

/** Peak RSS since the last reset, in MB (VmHWM; writing 5 to clear_refs resets it). */
export function peakRssMb(pid: number | 'self'): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}
export function resetPeakRss(pid: number | 'self') {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function main() {
  const ds = createDataSource({ url: process.env.BENCH_DB_URL!, poolMax: 2, applicationName: 'bench-orm' });
  ds.setOptions({ logger: counting });
  await ds.initialize();
  process.on('message', async (req: WorkerRequest) => {
    (global as { gc?: () => void }).gc?.();
    resetPeakRss('self');
    statements = 0;
    const started = performance.now();
    try {
      const result = await withRunLog(ds, AGENT[req.op], async (runId) => {
        if (req.op === 'engagement') return (req.impl === 'before' ? engagementBefore : engagementSeedAfter)(ds, req.params);
        if (req.op === 'snapshot') return (req.impl === 'before' ? snapshotBefore : snapshotSeedAfter)(ds, req.params, runId);
        return (req.impl === 'before' ? analysisBefore : analysisSeedAfter)(ds, req.params);
      });
      const ms = performance.now() - started;
      process.send!({ id: req.id, ms, statements, peakRssMb: peakRssMb('self'), result } satisfies WorkerReply);
    } catch (err) {
      process.send!({
        id: req.id,
        ms: 0,
        statements,
        peakRssMb: peakRssMb('self'),
        result: null,
        error: String((err as Error).stack ?? err),
      });
    }
  });
  process.send!({ id: 0, ms: 0, statements: 0, peakRssMb: 0, result: 'ready' });
}

if (require.main === module) main();
