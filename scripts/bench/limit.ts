/**
 * Against the limit: each agent's own SQL, run alone through psql, against the end-to-end mutation.
 *
 * The SQL is not a hand-kept copy: an in-process server runs the mutation once with Db.query
 * (the runtime's only way to SQL) recording every statement and its parameters; they are written
 * to bench-results/limit/<agent>-<dataset>.sql with each parameter inlined as an untyped literal
 * (what pg sends is an untyped parameter too, so PostgreSQL resolves both alike), run lifecycle,
 * lock and transaction included. Then, alternately and from the same state: psql runs the file
 * (the sum of its \timing lines), and the real server runs the mutation over HTTP.
 * The replay runs with session_replication_role = replica (foreign-key triggers off): its recorded
 * statements name the run and snapshot ids of the recording, which the reset between runs deleted;
 * checking those one or two keys costs microseconds.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { escapeLiteral } from 'pg';
import { loadConfig } from '../../src/config';
import { Db } from '../../src/db/db';
import { start } from '../../src/main';
import { CASES } from './cases';
import { ANCHOR, Dataset } from './datasets';
import { median } from './measure';
import type { BenchServer } from './server';
import { removeRunRows, resetScores } from './state';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- pg's own parameter encoding, not exported
const { prepareValue } = require('pg/lib/utils') as { prepareValue(v: unknown): unknown };

export interface LimitRow {
  agent: string;
  dataset: string;
  mutationMs: number;
  sqlMs: number;
  ratio: number;
  statements: number;
}

interface AgentCase {
  agent: string;
  mutation: string;
  params: Record<string, unknown>;
  /** Restores the state the measured run starts from. */
  prepare(pool: Pool, ds: Dataset, gql: BenchServer['gql']): Promise<void>;
}

const byOp = (op: string) => CASES.find((c) => c.op === op)!;
const clean = (pool: Pool, ds: Dataset) => removeRunRows(pool, ds.spec.logs);

const AGENTS: AgentCase[] = [
  {
    agent: 'ConversionAgent',
    mutation: byOp('engagement').mutation,
    params: byOp('engagement').params,
    prepare: async (pool, ds) => {
      await clean(pool, ds);
      await resetScores(pool);
    },
  },
  {
    agent: 'PerformanceAnalyticsAgent',
    mutation: byOp('snapshot').mutation,
    params: byOp('snapshot').params,
    prepare: (pool, ds) => clean(pool, ds),
  },
  {
    agent: 'StrategyTuningAgent',
    mutation: 'mutation { r: tuneStrategy(input: {learningRate: 0.3}) { version } }',
    params: {},
    // Tuning needs a platform-wide snapshot: one small one (a 1-day window).
    prepare: async (pool, ds, gql) => {
      await clean(pool, ds);
      await gql(`mutation { createPerformanceSnapshot(input: {asOf: "${ANCHOR}", windowDays: 1}) { id } }`);
    },
  },
  { agent: 'AnalyticsAgent', mutation: byOp('analysis').mutation, params: byOp('analysis').params, prepare: (pool, ds) => clean(pool, ds) },
];

/** A statement with its parameters inlined as untyped literals, prepared exactly as pg prepares them. */
function inline(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)\b/g, (_m, i: string) => {
    const v = prepareValue(params[Number(i) - 1]);
    return v === null || v === undefined ? 'NULL' : escapeLiteral(String(v));
  });
}

/**
 * One long-lived psql session (a warm backend, like the server's pooled connections): each replay
 * is `\i file`, and its time is the sum of the \timing lines it printed.
 */
class Psql {
  private readonly child: ChildProcessWithoutNullStreams;
  private buf = '';
  private err = '';
  private waiter: (() => void) | null = null;

  constructor(url: string) {
    this.child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url]);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      this.buf += d;
      if (this.buf.includes('__replay_done__')) this.waiter?.();
    });
    this.child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
  }

  async replay(file: string): Promise<number> {
    this.buf = '';
    this.err = '';
    const done = new Promise<void>((resolve) => (this.waiter = resolve));
    this.child.stdin.write(`\\i ${file}\n\\echo __replay_done__\n`);
    await done;
    if (this.err) throw new Error(`psql replay of ${file}: ${this.err.slice(0, 2000)}`);
    return [...this.buf.matchAll(/^Time: ([\d.]+) ms/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  close() {
    this.child.stdin.end('\\q\n');
  }
}

export async function runLimit(opts: {
  url: string;
  server: BenchServer;
  pool: Pool;
  dataset: Dataset;
  out: string;
  log: (m: string) => void;
  runs?: number;
}): Promise<LimitRow[]> {
  const { url, server, pool, dataset, log } = opts;
  const dir = path.join(opts.out, 'limit');
  fs.mkdirSync(dir, { recursive: true });
  const recorded: { sql: string; params: unknown[] }[] = [];
  let recording = false;
  const original = Db.prototype.query;
  Db.prototype.query = function (this: Db, sql: string, params: unknown[] = []) {
    if (recording) recorded.push({ sql, params });
    return original.call(this, sql, params);
  } as typeof original;
  const app = await start(loadConfig({ ...process.env, DATABASE_URL: url, PORT: '4212', MIGRATIONS_RUN: 'false', LOG_LEVEL: 'silent' }));
  const local = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${app.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const rows: LimitRow[] = [];
  const psql = new Psql(url);
  try {
    for (const a of AGENTS) {
      await a.prepare(pool, dataset, server.gql);
      recorded.length = 0;
      recording = true;
      await local(a.mutation, a.params);
      recording = false;
      const file = path.join(dir, `${a.agent}-${dataset.name}.sql`);
      fs.writeFileSync(
        file,
        `-- ${a.agent} on dataset ${dataset.name}: the statements the server ran for\n-- ${a.mutation.replace(/\s+/g, ' ')}\nSET session_replication_role = replica;\n\\timing on\n${recorded
          .map((r) => `${inline(r.sql, r.params).trim()};`)
          .join('\n')}\n`,
      );
      const sqlRuns: number[] = [];
      const httpRuns: number[] = [];
      await a.prepare(pool, dataset, server.gql);
      await psql.replay(file); // warm-up: the session's catalog and plan caches
      for (let i = 0; i < (opts.runs ?? 3); i++) {
        await a.prepare(pool, dataset, server.gql);
        sqlRuns.push(await psql.replay(file));
        await a.prepare(pool, dataset, server.gql);
        const t0 = performance.now();
        const res = await server.gql(a.mutation, a.params);
        httpRuns.push(performance.now() - t0);
        if (res.errors?.length) throw new Error(`${a.agent}: ${JSON.stringify(res.errors)}`);
      }
      const row = {
        agent: a.agent,
        dataset: dataset.name,
        statements: recorded.length,
        sqlMs: median(sqlRuns),
        mutationMs: median(httpRuns),
        ratio: 0,
      };
      row.ratio = row.mutationMs / row.sqlMs;
      log(
        `limit ${a.agent} ${dataset.name}: SQL alone ${row.sqlMs.toFixed(1)} ms, mutation ${row.mutationMs.toFixed(1)} ms, ratio ${row.ratio.toFixed(2)}`,
      );
      rows.push(row);
    }
  } finally {
    Db.prototype.query = original;
    psql.close();
    await app.stop();
    await removeRunRows(pool, dataset.spec.logs);
  }
  return rows;
}
