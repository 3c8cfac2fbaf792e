/**
 * npm run bench:cache-memory (needs DATABASE_URL; creates and drops its own database there)
 *
 * What the in-memory result cache holds: the server in this process, 1,819 unique 1,000-bucket
 * engagementTimeSeries reads over HTTP, then the heap after a full GC: right after the reads, and
 * once the TTL (CACHE_TTL_SECONDS, 10 here unless set) has passed with no lookup at all.
 * Run with --expose-gc (the npm script does).
 */
import 'reflect-metadata';
import os from 'node:os';
import { loadConfig } from '../src/config';
import { start } from '../src/main';
import { scratchDatabase } from './bench/scratch-db';

const READS = Number(process.env.BENCH_READS ?? 1819);
const TTL_SECONDS = Number(process.env.CACHE_TTL_SECONDS ?? 10);
const HOUR = 3_600_000;
const BASE = Date.UTC(2020, 0, 1);

// One document text with variables: Apollo's own cache of parsed documents holds one entry.
const QUERY = `query($from: DateTime!, $to: DateTime!) {
  engagementTimeSeries(bucket: HOUR, from: $from, to: $to) { bucketStart contentCount impressions avgEngagementRate }
}`;

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

async function main() {
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:cache-memory)');
  const db = await scratchDatabase('bench_cache_memory');
  const env = { ...process.env, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'true', REDIS_URL: '' };
  const app = await start(loadConfig({ ...env, CACHE_TTL_SECONDS: String(TTL_SECONDS) }));
  try {
    const read = async (i: number) => {
      const from = new Date(BASE + i * HOUR).toISOString();
      const to = new Date(BASE + (i + 1000) * HOUR).toISOString();
      const res = await fetch(`http://127.0.0.1:${app.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { from, to } }),
      });
      const body = (await res.json()) as { data?: { engagementTimeSeries: unknown[] }; errors?: unknown[] };
      if (body.errors || body.data!.engagementTimeSeries.length !== 1000) throw new Error(JSON.stringify(body).slice(0, 300));
    };
    await read(-1);
    const before = heap();
    console.log(`heap before the reads: ${mb(before)} (load avg ${load()})`);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < READS) await read(next++);
      }),
    );
    const readsDone = performance.now();
    console.log(`${READS} unique 1,000-bucket reads in ${((readsDone - t0) / 1000).toFixed(1)} s`);
    const after = heap();
    console.log(`heap after the reads: ${mb(after)} (+${mb(after - before)}) (load avg ${load()})`);
    // Past the TTL, then as long again for a periodic sweep: nothing looks anything up meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, 2 * TTL_SECONDS * 1000 + 1000 - (performance.now() - readsDone))));
    const expired = heap();
    const waited = `${2 * TTL_SECONDS + 1} s after the reads (TTL ${TTL_SECONDS} s), no lookups`;
    console.log(`heap ${waited}: ${mb(expired)} (+${mb(expired - before)}) (load avg ${load()})`);
  } finally {
    await app.stop();
    await db.drop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
