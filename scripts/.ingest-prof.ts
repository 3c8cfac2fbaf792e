import { startServer, BENCH_KEY } from './bench/server';
import path from 'node:path';
(async () => {
  const port = 4290;
  const s = await startServer({ root: path.resolve(__dirname, '..'), databaseUrl: 'postgresql://postgres@127.0.0.1:5432/ingest_scratch', port,
    logFile: '/tmp/ingest-prof/server.log', nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/ingest-prof'], env: { LOG_LEVEL: 'silent', AUTO_RECOMPUTE: 'false', WORKER: 'false' } });
  const TYPES = ['VIEW', 'LIKE', 'COMMENT', 'SHARE', 'CLICK', 'FOLLOW', 'SIGNUP', 'PURCHASE'];
  let x = 1;
  const r = () => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
  const mk = () => Array.from({ length: 5000 }, () => { const it: any = { userId: String(1 + Math.floor(r() * 20000)), type: TYPES[Math.floor(r() * 8)] }; if (r() < 0.7) it.contentId = String(1 + Math.floor(r() * 2000)); if (r() < 0.5) it.timestamp = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 90 * 86400e3)).toISOString(); return it; });
  const body = (items: any[]) => JSON.stringify({ query: 'mutation Ingest($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }', variables: { input: items } });
  const bodies = Array.from({ length: 30 }, () => body(mk()));
  const t0 = performance.now();
  for (const b of bodies) { const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` }, body: b }); const j: any = await res.json(); if (j.errors) throw new Error(JSON.stringify(j.errors)); }
  console.log('ms/call', (performance.now() - t0) / 30);
  await s.stop();
})();
