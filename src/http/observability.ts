/**
 * Observability (docs/api.md): one JSON log line per /graphql request (operation,
 * duration, SQL statements, outcome) and Prometheus metrics (requests and latency by operation and
 * outcome, pool use). The express middleware times every request, including those refused before
 * Apollo sees them (413, malformed JSON); the Apollo plugin adds what only Apollo knows (operation
 * name, error codes), keyed by the request's context.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from '../context';
import type { CompiledOperations } from '../graphql/compiled-execution';
import type { Replica, Replicas } from '../db/replicas';
import type { Logger } from '../logger';

export type Outcome = 'success' | 'client_error' | 'server_error';

interface Note {
  operation: string;
  codes: string[];
}

/** What one request learnt: its context (for SQL stats) and, once Apollo answered, its note. */
interface Slot {
  ctx: Context;
  note?: Note;
}

// Apollo shallow-copies the context per operation, so the plugin finds the slot through a symbol
// property (copied along) rather than through the context object's identity.
const SLOT = Symbol('observabilitySlot');
/** Operation names come from clients: past this many distinct ones, metrics label them "(other)". */
const MAX_OPERATION_LABELS = 200;

/**
 * The process's own metrics (CPU, memory, event loop lag, GC). prom-client's collectors for them
 * live as long as the process, so they are made once, at the first scrape, and shared by every
 * server the process starts: made per server, they would pile up, each keeping its registry and
 * pool reachable; a process that is never scraped (tests, scripts) does not make them at all.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Observability {
  readonly registry = new Registry();
  private readonly labelled = new Set<string>();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation' | 'outcome'>;
  private readonly sqlStatements: Counter<'operation'>;

  constructor(private readonly deps: { log: Logger; pool: Pool; poolMax: number; replicas?: Replicas | null }) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL HTTP requests by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL HTTP request latency by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.sqlStatements = new Counter({
      name: 'graphql_sql_statements_total',
      help: 'SQL statements run by GraphQL requests, by operation name',
      labelNames: ['operation'],
      registers,
    });
    const { pool } = deps;
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('db_pool_total_connections', 'Connections the pool holds (idle and in use)', () => pool.totalCount);
    gauge('db_pool_idle_connections', 'Idle connections in the pool', () => pool.idleCount);
    gauge('db_pool_waiting_clients', 'Requests waiting for a pool connection', () => pool.waitingCount);
    gauge('db_pool_max_connections', 'Pool size limit (DB_POOL_MAX)', () => deps.poolMax);
    if (deps.replicas) this.watchReplicas(deps.replicas);
  }

  /** Per read replica (label `replica`: host:port/database), read at each scrape (src/db/replicas.ts). */
  private watchReplicas(replicas: Replicas): void {
    const registers = [this.registry];
    const perReplica = (name: string, help: string, value: (r: Replica) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['replica'],
        registers,
        collect() {
          this.reset();
          for (const r of replicas.replicas) {
            const v = value(r);
            if (v !== null) this.set({ replica: r.name }, v);
          }
        },
      });
    perReplica('db_replica_up', '1 while the read replica takes reads (reachable, within REPLICA_MAX_LAG_MS), else 0', (r) =>
      Number(replicas.takesReads(r)),
    );
    perReplica('db_replica_state', "The read replica's state: 0 down, 1 lagging, 2 up", (r) => ({ down: 0, lagging: 1, up: 2 })[r.state]);
    perReplica('db_replica_lag_seconds', 'How long ago the primary had WAL the replica has not replayed (0: caught up)', (r) =>
      r.state === 'down' ? null : replicas.lagMs(r) === null ? null : replicas.lagMs(r)! / 1000,
    );
    perReplica('db_replica_lag_bytes', "Bytes of WAL between the primary's position and the replica's replay, at the last poll", (r) =>
      r.state === 'down' ? null : r.lagBytes,
    );
    // Counters kept by the replicas themselves, copied at each scrape.
    const perReplicaCount = (name: string, help: string, value: (r: Replica) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['replica'],
        registers,
        collect() {
          this.reset();
          for (const r of replicas.replicas) this.inc({ replica: r.name }, value(r));
        },
      });
    perReplicaCount('db_replica_statements_total', 'Read statements run on the replica', (r) => r.statements);
    perReplicaCount('db_replica_fallbacks_total', 'Statements that failed on the replica and ran again on the primary', (r) => r.fallbacks);
    perReplica('db_replica_pool_connections', "Connections the replica's pool holds", (r) => r.pool.totalCount);
  }

  /** The live updates' gauges (src/http/websocket.ts, src/live.ts), read at each scrape. */
  watchLive(read: { connections(): number; subscriptions(): number; listening(): boolean }): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value());
        },
      });
    gauge('graphql_ws_connections', 'Open WebSocket connections (graphql-ws) on /graphql', read.connections);
    gauge('graphql_ws_subscriptions', 'Active subscriptions over every WebSocket connection', read.subscriptions);
    gauge('live_updates_listening', '1 while the connection that LISTENs for live updates is up, else 0', () => (read.listening() ? 1 : 0));
  }

  /** The compiled operations' LRU (src/graphql/compiled-execution.ts), read at each scrape. */
  watchCompiledOperations(read: CompiledOperations): void {
    const registers = [this.registry];
    new Gauge({
      name: 'graphql_compiled_operations',
      help: 'Compiled GraphQL operations held (document and operation name; bounded LRU)',
      registers,
      collect() {
        this.set(read.size());
      },
    });
    new Counter({
      name: 'graphql_operation_compilations_total',
      help: 'GraphQL operations compiled since start (a steady rise under a steady mix: the LRU is too small)',
      registers,
      collect() {
        this.reset();
        this.inc(read.compilations());
      },
    });
  }

  /** Links the express response to the GraphQL context that Apollo's plugin will annotate. */
  attach(res: Response, ctx: Context): void {
    const slot: Slot = { ctx };
    (ctx as unknown as Record<symbol, Slot>)[SLOT] = slot;
    (res.locals as Record<symbol, Slot>)[SLOT] = slot;
  }

  plugin(): ApolloServerPlugin<Context> {
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue, operationName, response, requestIsBatched }) {
            const slot = (contextValue as unknown as Record<symbol, Slot | undefined>)[SLOT];
            if (!slot) return;
            const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            const codes = errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
            // A batch is one request: one label, and the error codes of all its operations.
            slot.note = requestIsBatched
              ? { operation: '(batch)', codes: [...(slot.note?.codes ?? []), ...codes] }
              : { operation: operationName ?? '(anonymous)', codes };
          },
        };
      },
    };
  }

  /** Times one /graphql request and, when its response is done, logs one line and records metrics. */
  requestLog(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      let logged = false;
      // 'finish' when the answer is handed to the socket; 'close' alone when the client went away.
      const done = () => {
        if (logged) return;
        logged = true;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const slot = (res.locals as Record<symbol, Slot | undefined>)[SLOT];
        const ctx = slot?.ctx;
        const note = slot?.note;
        const outcome: Outcome =
          res.statusCode >= 500 || note?.codes.includes('INTERNAL_SERVER_ERROR')
            ? 'server_error'
            : res.statusCode >= 400 || note?.codes.length
              ? 'client_error'
              : 'success';
        const operation = note?.operation ?? '(none)';
        const label = this.label(operation);
        this.requests.inc({ operation: label, outcome });
        this.duration.observe({ operation: label, outcome }, seconds);
        if (ctx) this.sqlStatements.inc({ operation: label }, ctx.stats.sqlQueries);
        this.deps.log.info(
          {
            method: req.method,
            operation: operation.slice(0, 100),
            outcome,
            status: res.statusCode,
            durationMs: Math.round(seconds * 1e6) / 1e3,
            sqlQueries: ctx?.stats.sqlQueries ?? 0,
            sqlTimeMs: ctx ? Math.round(ctx.stats.sqlTimeMs * 1e3) / 1e3 : 0,
            ...(note?.codes.length ? { errorCodes: [...new Set(note.codes)] } : {}),
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'graphql request',
        );
      };
      res.once('finish', done);
      res.once('close', done);
      next();
    };
  }

  metricsHandler(): RequestHandler {
    return async (_req, res, next) => {
      try {
        const registry = Registry.merge([processMetrics(), this.registry]);
        const body = await registry.metrics();
        res.setHeader('content-type', registry.contentType);
        res.send(body);
      } catch (err) {
        next(err);
      }
    };
  }

  private label(operation: string): string {
    if (this.labelled.has(operation)) return operation;
    if (this.labelled.size >= MAX_OPERATION_LABELS || operation.length > 100) return '(other)';
    this.labelled.add(operation);
    return operation;
  }
}
