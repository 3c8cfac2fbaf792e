/**
 * The result cache of the aggregate reads. Every entry is stored under the generation that was
 * current BEFORE its answer was computed; every mutation bumps the generation (invalidation-plugin.ts), so an
 * answer computed before a write can never be found after it, even if it is stored late.
 */
import { LRUCache } from 'lru-cache';

export interface CacheLookup {
  /** The generation read with the value; null when the backend is unusable (then nothing is stored). */
  generation: string | null;
  /** The stored JSON text, or undefined on a miss. */
  value: string | undefined;
}

export interface ResultCache {
  get(key: string): Promise<CacheLookup>;
  /** Stores `value` under `generation`; a generation that is no longer current is never read again. */
  set(generation: string, key: string, value: string): Promise<void>;
  /** Makes every stored answer unreachable (on every instance that shares the backend). */
  invalidate(): Promise<void>;
  close(): Promise<void>;
}

export interface MemoryCacheOptions {
  ttlMs: number;
  /** Budget of the stored answers: (key + JSON text) x 2 bytes each, as V8 stores two-byte strings. */
  maxBytes: number;
  /** The clock of the TTLs (tests move it); performance by default. */
  clock?: { now(): number };
}

/**
 * One process's cache: an LRU bounded by bytes, whose entries expire after the TTL. Expired entries
 * are swept on a timer, so their memory goes back even when nothing looks them up; an answer larger
 * than a tenth of the budget is not stored (one huge answer would flush everything else).
 */
export class MemoryResultCache implements ResultCache {
  private generation = 0;
  private readonly entries: LRUCache<string, string>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(opts: MemoryCacheOptions) {
    this.entries = new LRUCache<string, string>({
      maxSize: opts.maxBytes,
      maxEntrySize: Math.max(1, Math.floor(opts.maxBytes / 10)),
      sizeCalculation: (value, key) => Math.max(1, (key.length + value.length) * 2),
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

  async get(key: string): Promise<CacheLookup> {
    return { generation: String(this.generation), value: this.entries.get(key) };
  }

  async set(generation: string, key: string, value: string): Promise<void> {
    if (generation !== String(this.generation)) return; // computed before a write: already stale
    this.entries.set(key, value);
  }

  async invalidate(): Promise<void> {
    this.generation += 1;
    this.entries.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
