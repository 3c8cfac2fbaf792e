/**
 * The Redis that the shared-cache tests use (REDIS_TEST_URL, default redis://127.0.0.1:6379).
 * Global setup checks it once: CI must have it (.ci/run starts it); on a machine without Redis
 * (`npm install && npm test` with nothing but Node) the Redis cases are skipped, and say so.
 */
import net from 'node:net';
import Redis from 'ioredis';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL || 'redis://127.0.0.1:6379';

export const redisAvailable = (): boolean => process.env.TEST_REDIS_AVAILABLE === '1';

/** `describe` when Redis answers, else `describe.skip` with the reason in the name. */
export const describeRedis = (name: string, fn: () => void): void =>
  redisAvailable() ? describe(name, fn) : describe.skip(`${name} (skipped: no Redis at ${REDIS_TEST_URL})`, fn);

/** Whether something accepts TCP connections at the Redis URL (checked once by global setup). */
export function probeRedis(url = REDIS_TEST_URL, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

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
      if (!redisAvailable()) return;
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
