/**
 * The result cache of the aggregate reads. Every entry is stored under the generation that was
 * current BEFORE its answer was computed; every mutation bumps the generation (invalidation-plugin.ts), so an
 * answer computed before a write can never be found after it, even if it is stored late.
 */
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

/** One process's cache: a bounded Map whose oldest entries go first; a bump empties it. */
export class MemoryResultCache implements ResultCache {
  private generation = 0;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string): Promise<CacheLookup> {
    const generation = String(this.generation);
    const entry = this.entries.get(key);
    if (!entry) return { generation, value: undefined };
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return { generation, value: undefined };
    }
    return { generation, value: entry.value };
  }

  async set(generation: string, key: string, value: string): Promise<void> {
    if (generation !== String(this.generation)) return; // computed before a write: already stale
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async invalidate(): Promise<void> {
    this.generation += 1;
    this.entries.clear();
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
