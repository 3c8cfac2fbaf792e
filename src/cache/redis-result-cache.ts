/**
 * The shared cache: several server instances on one Redis. Keys are
 * `<prefix>r:<generation>:<field>:<digest>`; `<prefix>gen` is the generation that every instance
 * INCRs after a mutation, so a write through one instance invalidates the answers of all of them.
 * Redis trouble never fails a read: the read computes (and logs once per outage).
 */
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { CacheLookup, ResultCache } from './result-cache';

const BYPASS: CacheLookup = { generation: null, value: undefined };

/**
 * The generation and the entry under it in one round trip. The entry's key is built inside the
 * script, which a single Redis (or a replicated one) allows; Redis Cluster would need hash tags.
 */
const LOOKUP = `local g = redis.call('GET', KEYS[1]) or '0'
return {g, redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])}`;

type LookupRedis = Redis & { cacheLookup(genKey: string, entryPrefix: string, key: string): Promise<[string, string | null]> };

export class RedisResultCache implements ResultCache {
  private readonly genKey: string;
  private healthy = true;
  /** An invalidation failed: until an INCR succeeds, answers stored before it may be stale. */
  private owesInvalidation = false;

  private constructor(
    private readonly redis: LookupRedis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly log: Logger,
  ) {
    this.genKey = `${prefix}gen`;
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
    redis.defineCommand('cacheLookup', { numberOfKeys: 1, lua: LOOKUP });
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

  async get(key: string): Promise<CacheLookup> {
    if (this.owesInvalidation || this.redis.status !== 'ready') return BYPASS;
    try {
      // A nil entry ends the Lua table early: a miss comes back as [generation].
      const [generation, value] = await this.redis.cacheLookup(this.genKey, `${this.prefix}r:`, key);
      return { generation, value: value ?? undefined };
    } catch (err) {
      this.down(err as Error);
      return BYPASS;
    }
  }

  async set(generation: string, key: string, value: string): Promise<void> {
    try {
      await this.redis.set(`${this.prefix}r:${generation}:${key}`, value, 'EX', this.ttlSeconds);
    } catch (err) {
      this.down(err as Error);
    }
  }

  async invalidate(): Promise<void> {
    try {
      await this.redis.incr(this.genKey);
      this.owesInvalidation = false;
    } catch (err) {
      // Reads on this instance bypass the cache until Redis is back and the INCR has gone through.
      this.owesInvalidation = true;
      this.down(err as Error);
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private down(err: Error): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.log.warn({ err: err.message }, 'result cache: Redis unavailable, reads compute without the cache');
  }

  private async up(): Promise<void> {
    if (this.owesInvalidation) await this.invalidate();
    if (!this.healthy) this.log.info({}, 'result cache: Redis is back');
    this.healthy = true;
  }
}
