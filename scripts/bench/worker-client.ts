/** The parent side of orm-worker.ts: a forked ts-node process answering one request at a time. */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Op, OrmImpl, WorkerReply } from './orm-worker';

export interface OrmWorker {
  run(req: { op: Op; impl: OrmImpl; params: unknown }): Promise<WorkerReply>;
  stop(): Promise<void>;
}

export async function startWorker(databaseUrl: string): Promise<OrmWorker> {
  const child: ChildProcess = fork(path.join(__dirname, 'orm-worker.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '--expose-gc', '--max-old-space-size=8192'],
    env: { ...process.env, BENCH_DB_URL: databaseUrl },
  });
  let nextId = 1;
  const pending = new Map<number, (r: WorkerReply) => void>();
  let ready: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  child.on('message', (m: WorkerReply) => {
    if (m.id === 0) return ready();
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  child.on('exit', (code) => {
    for (const resolve of pending.values())
      resolve({ id: -1, ms: 0, statements: 0, peakRssMb: 0, result: null, error: `worker exited (${code})` });
  });
  await readyP;
  return {
    run(req) {
      const id = nextId++;
      return new Promise<WorkerReply>((resolve, reject) => {
        pending.set(id, (r) => (r.error ? reject(new Error(`${req.op} ${req.impl}: ${r.error}`)) : resolve(r)));
        child.send({ id, ...req });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
