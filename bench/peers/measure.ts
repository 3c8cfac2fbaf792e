/**
 * The two phases of the peer benchmark: the check (each server behind the statement counter: its
 * rows and its statements per request) and the interleaved autocannon rounds (direct connections).
 */
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { cpuMs, loadOne } from '../../scripts/bench/http-load';
import { diffValues } from '../../scripts/bench/state';
import { Peer, postQuery, ReadRow, ROOT, RunningPeer } from './peers';
import { startStatementCounter } from './statement-counter';

export interface CheckResult {
  key: Peer['key'];
  /** null when the server ran; else why it did not (the table says so). */
  failed: string | null;
  statements: number | null;
  /** Of the statements: transaction control (BEGIN, COMMIT, SET ...). */
  control: number | null;
  /** Ours only: extensions.queryStats.sqlQueries, beside the counter's figure. */
  ownCount: number | null;
  /**
   * Statements per second the server sends with no request in flight (ours: the in-process job
   * queue's polls), measured over an idle window; the connections that send them are not in `statements`.
   */
  backgroundPerSecond?: number | null;
}

export interface Round {
  key: Peer['key'];
  connections: number;
  round: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  /** CPU of the database's PostgreSQL backends (all servers' connections) over the round, per request. */
  pgCpuMsPerRequest?: number;
  errors: number;
  /** os.loadavg() when the round started. */
  load: number[];
}

type Log = (m: string) => void;
const PROBES = 20;
/** The idle window after the probes: at least this long, and at least as long as the probes took. */
const IDLE_MS = 2000;

/**
 * Starts each server behind the counter, reads its rows and counts its statements over PROBES
 * sequential requests. Throws when a server that ran returns other rows than the first.
 */
export async function checkPeers(peers: Peer[], o: { databaseUrl: string; port: number; out: string; log: Log }): Promise<CheckResult[]> {
  const u = new URL(o.databaseUrl);
  const counter = await startStatementCounter({ host: u.hostname, port: Number(u.port || 5432) });
  const results: CheckResult[] = [];
  let reference: { key: string; rows: ReadRow[] } | null = null;
  try {
    for (const peer of peers) {
      let server: RunningPeer;
      try {
        const logFile = path.join(o.out, `peers-${peer.key}.log`);
        server = await peer.start({ databaseUrl: counter.url(o.databaseUrl), port: o.port, logFile, check: true });
      } catch (err) {
        const why = (err instanceof Error ? err.message : String(err)).replaceAll(`${ROOT}${path.sep}`, '');
        o.log(`${peer.key}: did not start (${why})`);
        results.push({ key: peer.key, failed: why, statements: null, control: null, ownCount: null });
        continue;
      }
      try {
        for (let i = 0; i < 3; i++) await postQuery(server.url, peer.query); // plans, caches, connections
        counter.reset();
        const probesStarted = performance.now();
        let last: any;
        for (let i = 0; i < PROBES; i++) {
          const r = await postQuery(server.url, peer.query);
          if (r.status !== 200 || r.body.errors) throw new Error(`${peer.key}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
          last = r.body;
        }
        const probesMs = performance.now() - probesStarted;
        const sent = counter.counts();
        // What the server sends on its own meanwhile (a job queue polling, a replica's lag check) is
        // not the read's: the connections that send statements in an idle window after the probes
        // are the background's, and theirs are not counted; their rate is shown beside the count.
        counter.reset();
        const idleMs = Math.max(IDLE_MS, probesMs);
        await new Promise((r) => setTimeout(r, idleMs));
        const idle = counter.counts();
        const backgroundPerSecond = (1000 * idle.statements) / idleMs;
        let statements = 0;
        let control = 0;
        let background = 0;
        for (const [conn, c] of sent.byConnection) {
          if (idle.byConnection.has(conn)) background += c.statements;
          else {
            statements += c.statements;
            control += c.control;
          }
        }
        const rows = peer.rows(last);
        if (rows.length !== peer.expectedRows) throw new Error(`${peer.key}: ${rows.length} rows, expected ${peer.expectedRows}`);
        if (!reference) reference = { key: peer.key, rows };
        const diff = diffValues(reference.rows, rows);
        if (diff) throw new Error(`${peer.key} returns other rows than ${reference.key}: ${diff}`);
        const ownCount = last.extensions?.queryStats?.sqlQueries ?? null;
        const perRequest = (n: number) => Math.round((100 * n) / PROBES) / 100;
        results.push({
          key: peer.key,
          failed: null,
          statements: perRequest(statements),
          control: perRequest(control),
          ownCount,
          backgroundPerSecond: Math.round(backgroundPerSecond * 10) / 10,
        });
        const same = reference.key === peer.key ? 'the reference rows' : `the same rows as ${reference.key}`;
        o.log(
          `${peer.key}: ${rows.length} rows, ${same}; ${perRequest(statements)} statements per request ` +
            `(${perRequest(control)} transaction control; ${sent.statements} sent in ${probesMs.toFixed(0)} ms, ${background} of ` +
            `them on connections that go on sending while idle, ${backgroundPerSecond.toFixed(1)}/s)` +
            `${ownCount === null ? '' : `; its own queryStats says ${ownCount}`}`,
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    await counter.close();
  }
  return results;
}

/** Interleaved rounds (server A, B, C, D, A, B, ...) after a warm-up of each, at each connection count. */
export async function runRounds(
  servers: { peer: Peer; server: RunningPeer }[],
  o: { rounds: number; seconds: number; warmupSeconds: number; connections: number; log: Log; databaseUrl: string },
): Promise<Round[]> {
  const out: Round[] = [];
  const pg = new Client({ connectionString: o.databaseUrl });
  await pg.connect();
  // The backends of the benchmark's database; idle ones add nothing, so the round's server is what moves.
  const backendsCpu = async (): Promise<Map<number, number>> => {
    const { rows } = await pg.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const m = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        m.set(pid, cpuMs(pid));
      } catch {
        // the backend ended
      }
    }
    return m;
  };
  try {
    // The JIT and the pools settle before round 1 (a slow server gets few requests in a short warm-up).
    for (const { peer, server } of servers) await loadOne(server.url, peer.query, {}, o.connections, o.warmupSeconds);
    for (let round = 1; round <= o.rounds; round++) {
      for (const { peer, server } of servers) {
        const load = os.loadavg();
        const pg0 = await backendsCpu();
        const cpu0 = cpuMs(server.pid);
        const r = await loadOne(server.url, peer.query, {}, o.connections, o.seconds);
        const cpu = cpuMs(server.pid) - cpu0;
        const pg1 = await backendsCpu();
        let pgCpu = 0;
        for (const [pid, ms] of pg1) pgCpu += ms - (pg0.get(pid) ?? 0);
        const row: Round = {
          key: peer.key,
          connections: o.connections,
          round,
          reqPerSec: r.requests.average,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          cpuMsPerRequest: cpu / Math.max(1, r.requests.total),
          pgCpuMsPerRequest: pgCpu / Math.max(1, r.requests.total),
          errors: r.errors + r.non2xx + r.timeouts,
          load,
        };
        out.push(row);
        o.log(
          `c${o.connections} round ${round} ${peer.key.padEnd(5)} ${row.reqPerSec.toFixed(0).padStart(6)} req/s  ` +
            `p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms  ` +
            `${row.cpuMsPerRequest.toFixed(2)} ms CPU/req  pg ${row.pgCpuMsPerRequest!.toFixed(2)} ms/req  ${row.errors} errors  load ${load.map((x) => x.toFixed(2)).join(' ')}`,
        );
      }
    }
  } finally {
    await pg.end();
  }
  return out;
}
