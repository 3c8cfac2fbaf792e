/**
 * The result-cache matrix of the cache tests: each case runs against the memory backend and against
 * Redis; where Redis does not answer, the Redis cases skip and say why (services.ts). Every Redis
 * server gets a fresh key prefix, and its keys are removed afterwards.
 */
import { redisPrefixes } from './redis';
import { describeWith, REDIS_TEST_URL } from './services';
import type { ServerEnv, TestServer } from './server';
import type { TestEnv } from './use-test-server';

/** `base`: what every server of the matrix runs with besides its backend (API keys, say). */
export function useCacheBackends(serve: TestEnv['serve'], label: string, base: ServerEnv = {}) {
  const prefixes = redisPrefixes(label);
  afterAll(() => prefixes.cleanup());
  const onRedis = (): ServerEnv => ({ ...base, REDIS_URL: REDIS_TEST_URL, CACHE_KEY_PREFIX: prefixes.next() });
  return {
    /** A fresh key prefix, for a server or a cache that a test builds itself. */
    prefix: prefixes.next,
    /** `cases` once per backend, each in a describe of its own with a server of that backend. */
    each(cases: (server: TestServer) => void): void {
      describe('memory backend', () => cases(serve({ ...base })));
      describeWith('redis', 'redis backend', () => cases(serve(onRedis())));
    },
    /** `cases` with two servers that share one Redis. */
    twoOnOneRedis(cases: (a: TestServer, b: TestServer) => void): void {
      describeWith('redis', 'two instances on one Redis', () => {
        const shared = onRedis();
        cases(serve(shared), serve(shared));
      });
    },
  };
}
