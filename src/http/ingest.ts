/**
 * POST /ingest/interactions (docs/api.md "Bulk ingest"): interactions in volume, as NDJSON (one JSON
 * object per line) or CSV (a header line naming the columns, then one row per line), for the writer
 * role with the same API keys as /graphql. Every row is coerced as GraphQL coerces a
 * RecordInteractionInput (ID, the InteractionType names, DateTime) and checked by that class's own
 * rules (validateArgs' checker); the rows go through recordInteractions, the one write path of the
 * mutation too, and the same cache invalidation afterwards. A body of up to CHUNK_ROWS rows is one
 * statement; a longer one is written while it arrives: every CHUNK_ROWS parsed rows go to
 * PostgreSQL as one statement of a transaction that commits after the last row, so that parsing
 * and the database's work overlap (BENCHMARKS.md "bench:ingest") and the request stays all or nothing.
 * The first bad line stops the request (HTTP 400 naming its line, field and problem; nothing is
 * written); a body over INGEST_MAX_BYTES is 413.
 */
import type { RequestHandler, Response } from 'express';
import { StringDecoder } from 'node:string_decoder';
import type { Pool } from 'pg';
import { tablesWrittenBy } from '../cache/dependencies';
import type { ResultCache } from '../cache/result-cache';
import type { Config } from '../config';
import { Db, type Transaction } from '../db/db';
import { formatLsn, type Replicas } from '../db/replicas';
import { recomputeTrigger, type RecomputeTrigger } from '../db/sql/conversion-trigger';
import { BadUserInputError } from '../errors';
import { RANK } from '../graphql/auth';
import { InteractionType } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { inputProblems, quote } from '../graphql/validation';
import { MAX_INTERACTIONS_PER_CALL, RecordInteractionInput } from '../modules/user-interaction/user-interaction.inputs';
import { recordInteractions, triggerRecompute } from '../modules/user-interaction/user-interaction.write-service';
import { resolveRole } from './auth';
import { sendGraphQLError } from './body';

const FIELDS = ['userId', 'type', 'contentId', 'timestamp'] as const;
/** Rows per statement while a long body streams in: a recordInteractions call's worth. */
const CHUNK_ROWS = MAX_INTERACTIONS_PER_CALL;
type FieldName = (typeof FIELDS)[number];
const REQUIRED: FieldName[] = ['userId', 'type'];
const TYPES = new Set<string>(Object.values(InteractionType));

type Format = 'ndjson' | 'csv';
const FORMATS: Record<string, Format> = {
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
};

/** A bad line: its 1-based number in the body, the field at fault (null: the line as a whole), what is wrong. */
class LineError extends Error {
  constructor(
    readonly line: number,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`line ${line}${field ? `, ${field}` : ''}: ${problem}`);
  }
}

/** The GraphQL input coercion of one field's value (ID, enum name, DateTime); undefined when left out. */
function coerce(field: FieldName, value: unknown, line: number): unknown {
  if (value === undefined || value === null) {
    if (REQUIRED.includes(field)) throw new LineError(line, field, 'is required');
    return value;
  }
  switch (field) {
    case 'userId':
    case 'contentId':
      if (typeof value === 'string') return value;
      if (Number.isInteger(value)) return String(value);
      throw new LineError(line, field, `must be an ID (a string or an integer), got ${quote(JSON.stringify(value))}`);
    case 'type':
      if (typeof value === 'string' && TYPES.has(value)) return value;
      throw new LineError(line, field, `must be one of ${[...TYPES].join(', ')}, got ${quote(JSON.stringify(value))}`);
    case 'timestamp':
      try {
        return DateTimeScalar.parseValue(value);
      } catch (err) {
        throw new LineError(line, field, (err as Error).message);
      }
  }
}

/** One row's fields, coerced and checked by RecordInteractionInput's rules. */
function toItem(fields: Partial<Record<FieldName, unknown>>, line: number): RecordInteractionInput {
  const item: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = coerce(f, fields[f], line);
    if (v !== undefined) item[f] = v;
  }
  const problems = inputProblems(item, RecordInteractionInput, '');
  if (problems.length) throw new LineError(line, problems[0].path, problems[0].problem);
  return item as unknown as RecordInteractionInput;
}

function ndjsonRow(text: string, line: number): RecordInteractionInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new LineError(line, null, `is not JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new LineError(line, null, 'must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new LineError(line, key, `is not a field of an interaction (${FIELDS.join(', ')})`);
    }
  }
  return toItem(value as Record<FieldName, unknown>, line);
}

/** A CSV cell: plain, or in double quotes with "" for a quote. Empty: left out. */
function cell(raw: string): string | undefined {
  const v = raw.length > 1 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw;
  return v === '' ? undefined : v;
}

function csvHeader(text: string, line: number): FieldName[] {
  const names = text.split(',').map((c) => cell(c.trim()) ?? '');
  for (const n of names) {
    if (!(FIELDS as readonly string[]).includes(n))
      throw new LineError(line, null, `names an unknown column ${quote(n)} (${FIELDS.join(', ')})`);
  }
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new LineError(line, null, `names the column ${quote(repeated)} twice`);
  const missing = REQUIRED.find((r) => !names.includes(r));
  if (missing) throw new LineError(line, null, `must name the column ${missing}`);
  return names as FieldName[];
}

function csvRow(text: string, header: FieldName[], line: number): RecordInteractionInput {
  const cells = text.split(',');
  if (cells.length !== header.length)
    throw new LineError(line, null, `has ${cells.length} values; the header names ${header.length} columns`);
  const fields: Partial<Record<FieldName, unknown>> = {};
  for (let i = 0; i < header.length; i++) fields[header[i]] = cell(cells[i]);
  return toItem(fields, line);
}

/** Parsed rows, each with its line number (blank lines are skipped). */
interface Rows {
  items: RecordInteractionInput[];
  lines: number[];
}

/** Rows as they arrive, line by line, handed to `full` every CHUNK_ROWS rows; the first bad line throws. */
class Parser {
  /** The rows parsed and not yet handed over. */
  private rows: Rows = { items: [], lines: [] };
  private count = 0;
  private rest = '';
  private line = 0;
  private header: FieldName[] | null = null;

  constructor(
    private readonly format: Format,
    private readonly full: (rows: Rows) => void,
  ) {}

  push(text: string): void {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop()!;
    for (const p of parts) this.take(p);
  }

  end(): void {
    if (this.rest) this.take(this.rest);
    this.rest = '';
    if (!this.count) {
      throw new LineError(
        Math.max(this.line, 1),
        null,
        this.format === 'csv' && !this.header ? 'no header line' : 'no interaction in the body',
      );
    }
  }

  private take(raw: string): void {
    this.line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.trim()) return;
    if (this.format === 'ndjson') this.add(ndjsonRow(text, this.line));
    else if (!this.header) this.header = csvHeader(text, this.line);
    else this.add(csvRow(text, this.header, this.line));
  }

  /** The rows parsed since the last call. */
  drain(): Rows {
    const out = this.rows;
    this.rows = { items: [], lines: [] };
    return out;
  }

  private add(item: RecordInteractionInput): void {
    this.rows.items.push(item);
    this.rows.lines.push(this.line);
    this.count += 1;
    if (this.rows.items.length === CHUNK_ROWS) this.full(this.drain());
  }
}

/** An unknown user or content found by the write (its `input[i].field` path) as the line that names it. */
function lineOfWriteError(err: BadUserInputError, lines: number[]): LineError | null {
  const path = (err.extensions.fields as string[] | undefined)?.[0];
  const m = path && /^input\[(\d+)\]\.(\w+)$/.exec(path);
  if (!m) return null;
  const start = err.message.indexOf(`${path}: `);
  const after = start < 0 ? '' : err.message.slice(start + path.length + 2);
  const problem = after.split(/; (?=input\[|and \d+ more|\d+ items)/)[0] || 'refers to a row that does not exist';
  return new LineError(lines[Number(m[1])], m[2], problem);
}

/** How many bodies may stream at once: each holds a pooled connection (and a transaction) until its end. */
interface StreamSlots {
  free: number;
}

/**
 * A long body's rows, written while it arrives: each chunk is one recordInteractions statement in a
 * transaction begun with the first; the statements run one after the other while the parser goes on.
 * The first failure stops the writing (an unknown id becomes the LineError of its line); nothing
 * commits before finish(), and abort() rolls back. The recompute trigger (AUTO_RECOMPUTE) runs once,
 * for every user of the body, as the last statement before COMMIT: the job row it locks is not held
 * while the body arrives. A body that never fills a chunk, or that finds no free stream slot (half
 * the pool streams at most, so that slow uploads cannot take every connection), runs no
 * transaction: finish() writes all its rows as one statement with its trigger, as the mutation does.
 */
class StreamWriter {
  private tx: Transaction | null = null;
  /** Rows kept for finish(): no slot was free when the first chunk was full. */
  private held: Rows | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** The first write that failed: a bad line, or any other error. */
  failure: unknown = null;
  private inserted = 0;
  /** The users of the rows written, for the trigger. */
  private readonly users: string[] = [];
  private aborting: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly trigger: RecomputeTrigger | null,
    private readonly slots: StreamSlots,
  ) {}

  /** Queues one statement of these rows in the transaction (or keeps them, without a slot). */
  write(rows: Rows): void {
    if (!rows.items.length || this.aborting) return;
    if (!this.tx && (this.held || this.slots.free === 0)) {
      this.held = this.held ? { items: this.held.items.concat(rows.items), lines: this.held.lines.concat(rows.lines) } : rows;
      return;
    }
    if (!this.tx) {
      this.slots.free -= 1;
      this.tx = new Db(this.pool).begin();
    }
    const db = this.tx.db;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        // A failure rolls the whole transaction back: unknown ids are named outside it (no savepoint
        // per statement: past 64 subtransactions every snapshot of the server gets slower).
        this.inserted += (await recordInteractions(db, rows.items, null, undefined, new Db(this.pool))).inserted;
        if (this.trigger) for (const item of rows.items) this.users.push(item.userId);
      } catch (err) {
        this.failure = (err instanceof BadUserInputError && lineOfWriteError(err, rows.lines)) || err;
      }
    });
  }

  /** Writes the last rows and commits, or throws the first failure (a bad line: a LineError) after rolling back. */
  async finish(rest: Rows): Promise<number> {
    if (!this.tx) {
      const all = this.held ? { items: this.held.items.concat(rest.items), lines: this.held.lines.concat(rest.lines) } : rest;
      try {
        return (await recordInteractions(new Db(this.pool), all.items, this.trigger)).inserted;
      } catch (err) {
        throw (err instanceof BadUserInputError && lineOfWriteError(err, all.lines)) || err;
      }
    }
    this.write(rest);
    await this.writing;
    try {
      if (this.failure) throw this.failure;
      if (this.trigger) await triggerRecompute(this.tx.db, this.users, this.trigger);
    } catch (err) {
      await this.end(false);
      throw err;
    }
    await this.end(true);
    return this.inserted;
  }

  /** Rolls back whatever was written (a bad line, a body too large, a client gone); never throws, once. */
  abort(): Promise<void> {
    return (this.aborting ??= this.writing.then(() => this.end(false)));
  }

  /** COMMIT (which may throw) or ROLLBACK, then the slot is free again. */
  private async end(commit: boolean): Promise<void> {
    const tx = this.tx;
    if (!tx) return;
    this.tx = null;
    try {
      await (commit ? tx.commit() : tx.rollback());
    } finally {
      this.slots.free += 1;
    }
  }
}

function sendLineError(res: Response, e: LineError): void {
  sendGraphQLError(res, 400, `Invalid input: ${e.message}; nothing was recorded`, { code: 'BAD_USER_INPUT', line: e.line, field: e.field });
}

export function ingestInteractions(deps: {
  config: Config;
  pool: Pool;
  replicas: Replicas | null;
  resultCache: ResultCache;
}): RequestHandler {
  const { config, pool, replicas, resultCache } = deps;
  const slots: StreamSlots = { free: Math.max(1, Math.floor(config.poolMax / 2)) };
  return (req, res, next) => {
    const { role, sentKey } = resolveRole(config, req.headers.authorization);
    if (!role) {
      res.setHeader('www-authenticate', sentKey ? 'Bearer error="invalid_token"' : 'Bearer');
      return sendGraphQLError(res, 401, `${sentKey ? 'Unknown API key: ' : ''}send Authorization: Bearer <key> with a writer key`, {
        code: 'UNAUTHENTICATED',
      });
    }
    if (RANK[role] < RANK.writer) {
      return sendGraphQLError(res, 403, `/ingest/interactions needs the writer role; this key has ${role}`, { code: 'FORBIDDEN' });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const format = FORMATS[type];
    if (!format) {
      return sendGraphQLError(res, 415, `POST /ingest/interactions takes ${Object.keys(FORMATS).join(', ')}; got ${quote(type || 'none')}`);
    }
    const tooLarge = () => {
      res.setHeader('connection', 'close');
      sendGraphQLError(res, 413, `Request body is larger than the limit of ${config.ingestMaxBytes} bytes (INGEST_MAX_BYTES)`, {
        limit: config.ingestMaxBytes,
      });
    };
    if (Number(req.headers['content-length'] ?? 0) > config.ingestMaxBytes) return tooLarge();

    const writer = new StreamWriter(pool, recomputeTrigger(config), slots);
    const parser = new Parser(format, (rows) => writer.write(rows));
    const decoder = new StringDecoder('utf8');
    let bytes = 0;
    let failed: LineError | null = null;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      bytes += chunk.length;
      if (bytes > config.ingestMaxBytes) {
        over = true;
        void writer.abort();
        tooLarge();
        return;
      }
      if (failed || writer.failure) return; // read on to the end, then answer
      try {
        parser.push(decoder.write(chunk));
      } catch (err) {
        if (!(err instanceof LineError)) {
          over = true; // answered by the error handler; the rest of the body is ignored
          void writer.abort();
          return next(err);
        }
        failed = err;
      }
    });
    req.on('error', next);
    // A client that goes away before the end of its body: what was written is rolled back.
    req.on('close', () => {
      if (req.complete) return;
      over = true;
      void writer.abort();
    });
    req.on('end', () => {
      if (over) return;
      try {
        if (!failed) {
          parser.push(decoder.end());
          parser.end();
        }
      } catch (err) {
        if (!(err instanceof LineError)) {
          void writer.abort();
          return next(err);
        }
        failed = err;
      }
      finish(failed).catch(next);
    });

    const finish = async (bad: LineError | null) => {
      const rest = parser.drain();
      let inserted: number;
      try {
        if (bad) {
          // A chunk written before the bad line may have failed on an earlier line: that one is first.
          await writer.abort();
          throw writer.failure ?? bad;
        }
        inserted = await writer.finish(rest);
      } catch (err) {
        if (err instanceof LineError) return sendLineError(res, err);
        throw err;
      }
      await resultCache.invalidate(tablesWrittenBy(['recordInteractions']));
      // Read-your-writes with read replicas, as a mutation's answer (docs/api.md "Bulk ingest").
      const lsn = replicas ? await replicas.primaryLsn().catch(() => null) : null;
      if (lsn !== null) res.setHeader('x-min-lsn', formatLsn(lsn));
      res.status(200).json(lsn === null ? { inserted } : { inserted, minLsn: formatLsn(lsn) });
    };
  };
}
