/**
 * Bytes allocated per request of the nested read (BENCHMARKS.md "Issue 15: what each change bought"):
 * V8's sampling heap profiler in the server process, through its inspector, with the objects that
 * minor and major GCs collected kept in the profile, over sequential requests after a warm-up. One
 * request at a time, so the figure does not depend on the machine's load.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/creator_peers_l \
 *     npx ts-node --transpile-only scripts/bench/heap-per-request.ts [ROOT ...] [--requests 300] [--top 15]
 *
 * ROOT: checkouts whose dist/ is built (default: this one), measured one after another on the same
 * database (bench:peers seeds creator_peers_l). Prints KB per request and the top allocating
 * functions (self bytes, by package) of each.
 */
import path from 'node:path';
import os from 'node:os';
import WebSocket from 'ws';
import { startServer } from './server';

const QUERY = '{ contents(first: 50) { nodes { id views contentPlan { title format insight { topic } } } } }';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** One DevTools protocol session on the server's inspector. */
async function inspector(port: number): Promise<(method: string, params?: object) => Promise<any>> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 1;
  const waiting = new Map<number, (msg: any) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    waiting.get(msg.id)?.(msg);
  });
  return (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
}

function packageOf(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (!url) return '(V8)';
  if (url.startsWith('node:')) return 'node core';
  return /\/(src|scripts)\//.test(url) ? 'app' : url;
}

async function measure(root: string, port: number, databaseUrl: string, requests: number, top: number): Promise<void> {
  const inspectPort = 9330 + Math.floor(Math.random() * 60);
  const server = await startServer({
    root,
    databaseUrl,
    port,
    logFile: path.join(os.tmpdir(), 'heap-per-request.log'),
    nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
    env: { LOG_LEVEL: 'silent', QUERY_STATS: '0', WORKER: 'off' },
  });
  try {
    for (let i = 0; i < 200; i++) await server.gql(QUERY);
    const send = await inspector(inspectPort);
    await send('HeapProfiler.enable');
    await send('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < requests; i++) {
      const r = await server.gql(QUERY);
      if (r.errors || r.data.contents.nodes.length !== 50) throw new Error(`unexpected answer: ${JSON.stringify(r).slice(0, 300)}`);
    }
    const { profile } = await send('HeapProfiler.stopSampling');
    const byFn = new Map<string, number>();
    let total = 0;
    const walk = (n: SamplingNode) => {
      total += n.selfSize;
      const key = `${n.callFrame.functionName || '(anonymous)'} [${packageOf(n.callFrame.url)}]`;
      byFn.set(key, (byFn.get(key) ?? 0) + n.selfSize);
      n.children.forEach(walk);
    };
    walk(profile.head);
    console.log(`${root}: ${(total / requests / 1024).toFixed(0)} KB per request (${requests} requests)`);
    for (const [fn, bytes] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${(bytes / requests / 1024).toFixed(1).padStart(7)} KB  ${fn}`);
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? dflt : Number(args.splice(i, 2)[1]);
  };
  const requests = opt('requests', 300);
  const top = opt('top', 15);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL must name a database of dataset L (creator_peers_l, seeded by bench:peers)');
  const roots = args.length ? args : [path.resolve(__dirname, '../..')];
  for (const [i, root] of roots.entries()) await measure(path.resolve(root), 4390 + i, databaseUrl, requests, top);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
