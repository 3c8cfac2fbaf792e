/**
 * The result cache of the aggregate reads. The cache keeps a generation per table, bumped by every
 * write to it (invalidation-plugin.ts, src/cache/dependencies.ts); an answer belongs to the
 * generations of the tables it reads, as they were BEFORE it was computed, so an answer computed
 * before a write is never found after it, even if it is stored late.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CACHED_TABLES } from './dependencies';

export interface CacheLookup {
  /** The generations read with the value; null when the backend is unusable or off (then nothing is stored). */
  generation: string | null;
  /** The stored JSON text, or undefined on a miss. */
  value: string | undefined;
}

export interface ResultCache {
  /**
   * Whether every instance shares this cache (Redis): an invalidation reaches them all. A cache of
   * one process's own (memory) also takes the invalidations of runs committed by other processes,
   * which the live updates' listener hands it (src/live.ts).
   */
  readonly shared: boolean;
  /** The answer stored under `key`, unless one of `tables` (those it reads) was written since. */
  get(key: string, tables: readonly string[]): Promise<CacheLookup>;
  /** Stores `value`, computed after `get` answered `generation`; a write to `tables` in between makes it unreachable. */
  set(key: string, tables: readonly string[], generation: string, value: string): Promise<void>;
  /**
   * Makes every stored answer that reads one of `tables` unreachable: on every instance that shares
   * the backend, and for the memory cache also in every other process's (through `announce`).
   */
  invalidate(tables: readonly string[]): Promise<void>;
  /**
   * A write announced by another process (a notification of CHANNELS.writes, src/live.ts): its
   * tables go out of this cache, unless the announcement is this cache's own. A shared cache has
   * nothing to do: the writer invalidated it already.
   */
  announced(payload: string): void;
  close(): Promise<void>;
}

/** Sends an announcement payload to the other processes (src/cache/announce.ts). */
export type Announce = (payload: string) => Promise<void>;

export interface MemoryCacheOptions {
  ttlMs: number;
  /** Budget of the stored answers: (key + JSON text) x 2 bytes each, as V8 stores two-byte strings. */
  maxBytes: number;
  /** The clock of the TTLs (tests move it); performance by default. */
  clock?: { now(): number };
  /**
   * How this process tells the others' memory caches what it invalidated (a NOTIFY, src/cache/announce.ts);
   * without it an invalidation stays in this process.
   */
  announce?: Announce;
}

/**
 * One process's cache: an LRU bounded by bytes, whose entries expire after the TTL. Expired entries
 * are swept on a timer, so their memory goes back even when nothing looks them up; an answer larger
 * than a tenth of the budget is not stored (one huge answer would flush everything else). An answer
 * that reads a table written since goes when it is next looked up, or with the LRU or the TTL.
 */
export class MemoryResultCache implements ResultCache {
  readonly shared = false;
  /** Tells this cache's own announcements from the others' (two servers may share a process: the tests). */
  private readonly id = randomUUID();
  private readonly announce: Announce | undefined;
  /** A budget of 0 bytes (CACHE_MAX_BYTES=0): no answer is kept, and none is shared in flight (src/cache/index.ts). */
  private readonly off: boolean;
  private readonly generations = new Map<string, number>();
  private readonly entries: LRUCache<string, Entry>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(opts: MemoryCacheOptions) {
    this.announce = opts.announce;
    this.off = opts.maxBytes === 0;
    this.entries = new LRUCache<string, Entry>({
      maxSize: Math.max(1, opts.maxBytes),
      maxEntrySize: Math.max(1, Math.floor(opts.maxBytes / 10)),
      sizeCalculation: (entry, key) => Math.max(1, (key.length + entry.value.length) * 2),
      ttl: opts.ttlMs,
      ttlResolution: 0, // read the clock at every check rather than reuse a reading for 1 ms
      ...(opts.clock ? { perf: opts.clock } : {}),
    });
    // An entry is at most one TTL late to go; unref: the timer never keeps the process alive.
    this.sweeper = setInterval(() => this.entries.purgeStale(), Math.max(opts.ttlMs, 10)).unref();
  }

  /** Bytes held, by the sizes above; never more than the budget. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string, tables: readonly string[]): Promise<CacheLookup> {
    if (this.off) return { generation: null, value: undefined };
    const generation = this.generationOf(tables);
    const entry = this.entries.get(key);
    if (entry && entry.generation !== generation) this.entries.delete(key); // read a table written since: its memory goes now
    return { generation, value: entry?.generation === generation ? entry.value : undefined };
  }

  async set(key: string, tables: readonly string[], generation: string, value: string): Promise<void> {
    if (generation !== this.generationOf(tables)) return; // computed before a write: already stale
    this.entries.set(key, { generation, value });
  }

  async invalidate(tables: readonly string[]): Promise<void> {
    this.bump(tables);
    // Only the tables some cached answer reads: an ingest of interactions announces nothing.
    const read = tables.filter((t) => CACHED_TABLES.has(t));
    if (this.announce && read.length) await this.announce(`${this.id} ${read.join(',')}`);
  }

  announced(payload: string): void {
    const [from, tables = ''] = payload.split(' ');
    if (from !== this.id && tables) this.bump(tables.split(','));
  }

  private bump(tables: readonly string[]): void {
    for (const table of tables) this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private generationOf(tables: readonly string[]): string {
    return tables.map((t) => this.generations.get(t) ?? 0).join('.');
  }
}

interface Entry {
  /** The generations of the tables it reads when it was computed. */
  generation: string;
  value: string;
}
