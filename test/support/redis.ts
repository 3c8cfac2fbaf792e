/**
 * Redis for the shared-cache tests: REDIS_TEST_URL (services.ts, which also says whether it answered;
 * its tests skip with the reason where it does not). Each file's servers get key prefixes of their own.
 */
import Redis from 'ioredis';
import { available, REDIS_TEST_URL } from './services';

/**
 * Unique key prefixes for one test file's servers, and their removal afterwards, so test runs never
 * see (or leave) each other's cache entries.
 */
export function redisPrefixes(label: string) {
  const used: string[] = [];
  return {
    next(): string {
      const p = `test:${label}:${process.pid}:${Math.random().toString(36).slice(2)}:`;
      used.push(p);
      return p;
    },
    async cleanup(): Promise<void> {
      if (!available('redis')) return;
      const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        for (const p of used) {
          const keys = await redis.keys(`${p}*`);
          if (keys.length) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
