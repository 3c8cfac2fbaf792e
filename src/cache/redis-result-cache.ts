/**
 * The shared cache: several server instances on one Redis. `<prefix>gen:<table>` is the generation
 * of a table, which every instance INCRs after a write to it, so a write through one instance
 * invalidates the answers of all of them; answers are `<prefix>e:<generations>:<field>:<digest>`,
 * under the generations of the tables they read, joined with dots. Redis trouble never fails a
 * read: the read computes (and logs once per outage).
 */
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { CacheLookup, ResultCache } from './result-cache';

const BYPASS: CacheLookup = { generation: null, value: undefined };

/**
 * The generations of the tables (KEYS) and the entry under them in one round trip. The entry's key
 * is built inside the script, which a single Redis (or a replicated one) allows; Redis Cluster
 * would need hash tags.
 */
const LOOKUP = `local g = {}
for i, key in ipairs(KEYS) do g[i] = redis.call('GET', key) or '0' end
local gen = table.concat(g, '.')
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2])}`;

/** One round trip for the tables of a whole mutation operation. */
const INVALIDATE = `for _, key in ipairs(KEYS) do redis.call('INCR', key) end
return #KEYS`;

// Without a fixed numberOfKeys, ioredis takes the number of keys as the first argument.
type LookupRedis = Redis & {
  cacheLookup(...args: (string | number)[]): Promise<[string, string | null]>;
  cacheInvalidate(...args: (string | number)[]): Promise<number>;
};

export class RedisResultCache implements ResultCache {
  readonly shared = true;
  private healthy = true;
  /** Tables whose invalidation failed: until an INCR succeeds, answers that read them may be stale. */
  private readonly owed = new Set<string>();

  private constructor(
    private readonly redis: LookupRedis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly log: Logger,
  ) {
    redis.on('error', (err: Error) => this.down(err));
    redis.on('ready', () => void this.up());
  }

  /** Connects (waiting at most `waitMs` for Redis); a Redis that is down only means no caching yet. */
  static async connect(opts: { url: string; prefix: string; ttlSeconds: number; log: Logger; waitMs?: number }): Promise<RedisResultCache> {
    const redis = new Redis(opts.url, {
      enableOfflineQueue: false, // fail at once while disconnected instead of queueing reads
      maxRetriesPerRequest: 1,
      commandTimeout: 250,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    redis.defineCommand('cacheLookup', { lua: LOOKUP });
    redis.defineCommand('cacheInvalidate', { lua: INVALIDATE });
    const cache = new RedisResultCache(redis as LookupRedis, opts.prefix, opts.ttlSeconds, opts.log);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, opts.waitMs ?? 2000);
      redis.once('ready', done);
      redis.once('end', done);
      function done() {
        clearTimeout(timer);
        redis.off('ready', done);
        redis.off('end', done);
        resolve();
      }
    });
    return cache;
  }

  async get(key: string, tables: readonly string[]): Promise<CacheLookup> {
    if (this.redis.status !== 'ready' || tables.some((t) => this.owed.has(t))) return BYPASS;
    try {
      // A nil entry ends the Lua table early: a miss comes back as [generation].
      const [generation, value] = await this.redis.cacheLookup(tables.length, ...this.genKeys(tables), `${this.prefix}e:`, key);
      return { generation, value: value ?? undefined };
    } catch (err) {
      this.down(err as Error);
      return BYPASS;
    }
  }

  async set(key: string, _tables: readonly string[], generation: string, value: string): Promise<void> {
    try {
      await this.redis.set(`${this.prefix}e:${generation}:${key}`, value, 'EX', this.ttlSeconds);
    } catch (err) {
      this.down(err as Error);
    }
  }

  async invalidate(tables: readonly string[]): Promise<void> {
    if (!tables.length) return;
    try {
      await this.redis.cacheInvalidate(tables.length, ...this.genKeys(tables));
      for (const t of tables) this.owed.delete(t);
    } catch (err) {
      // Reads of these tables on this instance bypass the cache until Redis is back and the INCR has gone through.
      for (const t of tables) this.owed.add(t);
      this.down(err as Error);
    }
  }

  /** Nothing to do: the writer's instance invalidated the shared keys itself. */
  announced(): void {}

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private genKeys(tables: readonly string[]): string[] {
    return tables.map((t) => `${this.prefix}gen:${t}`);
  }

  private down(err: Error): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.log.warn({ err: err.message }, 'result cache: Redis unavailable, reads compute without the cache');
  }

  private async up(): Promise<void> {
    if (this.owed.size) await this.invalidate([...this.owed]);
    if (!this.healthy) this.log.info({}, 'result cache: Redis is back');
    this.healthy = true;
  }
}
