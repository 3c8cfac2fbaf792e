/**
 * npm run bench:validation [-- --runs 40 --http | --http-only]
 *
 * What a document can cost before auth or any resolver: parse + validate, in-process, with the
 * server's rules (graphql's specifiedRules + src/graphql/limits.ts), for the worst documents that
 * still pass every limit (fields, aliases, depth, tokens), and for the refused stall document.
 * Prints per document the median CPU time (what the document itself costs the event loop; on a busy
 * machine the wall time also counts the waits for a core) and the wall median and max, with the load
 * average beside; fails when the worst CPU median of a document within the limits is over 20 ms.
 *
 * --http (needs DATABASE_URL, where it creates and drops a database, and `npm run build`): the built server in a child process: the server
 * CPU and latency of the stall document, and a normal read's latency while 4 clients send it in a loop.
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { DocumentNode, getIntrospectionQuery, GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../src/config';
import { countSelections, limitRules } from '../src/graphql/limits';
import { buildAppSchema } from '../src/schema';
import { cpuMs } from './bench/http-load';
import { scratchDatabase } from './bench/scratch-db';
import { startServer } from './bench/server';

const BUDGET_MS = 20;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 40);
const config = loadConfig(process.env);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const times = (n: number, s: string, sep = ' ') => Array.from({ length: n }, () => s).join(sep);

/** The document of the report: 1,100 repeated fields, refused by the field limit since it exists. */
export const STALL_DOCUMENT = `{ ${times(1100, 'tierDistribution { tier }')} }`;

/** communityUsers > nodes > interactions > nodes > user > interactions ...: `levels` deep, the last `fanLevels` repeated twice. */
function tree(levels: number, fanLevels: number): string {
  const chain = ['communityUsers(first: 1)', 'nodes', 'interactions(first: 1)', 'nodes', 'user'];
  const at = (i: number) => (i < 2 ? chain[i] : chain[2 + ((i - 2) % 3)]);
  const level = (i: number): string => {
    const fan = i >= levels - fanLevels ? 2 : 1;
    if (i === levels - 1) return times(fan, /first/.test(at(i - 1)) ? 'totalCount' : 'id');
    return times(fan, `${at(i)} { ${level(i + 1)} }`);
  };
  return `{ ${level(0)} }`;
}

/** Whether a document passes parsing (MAX_QUERY_TOKENS) and every rule of src/graphql/limits.ts. */
function withinLimits(schema: GraphQLSchema, source: string): boolean {
  try {
    return validate(schema, parse(source, { maxTokens: config.maxTokens }), limitRules(config)).length === 0;
  } catch {
    return false;
  }
}

/** The largest n for which build(n) is within the limits (the sizes grow with n). */
function largest(schema: GraphQLSchema, build: (n: number) => string): string {
  let n = 1;
  while (n < 100_000 && withinLimits(schema, build(n * 2))) n *= 2;
  for (let step = n / 2; step >= 1; step /= 2) if (withinLimits(schema, build(n + step))) n += step;
  return build(n);
}

/** The worst shapes for graphql's validation, each as large as the limits (fields, aliases, depth, tokens) let it be. */
function worstDocuments(schema: GraphQLSchema): Record<string, string> {
  const fit = (build: (n: number) => string) => largest(schema, build);
  const frags = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    'introspection query (reference)': getIntrospectionQuery(),
    'same-name leaves': fit((n) => `{ ${times(n, '__typename')} }`),
    'same-name fields with a child': fit((n) => `{ ${times(n, 'tierDistribution { tier }')} }`),
    'n same-name fields x n same-name children': fit((n) => `{ ${times(n, `tierDistribution { ${times(n, 'tier')} }`)} }`),
    'the alias limit on one name + same-name fields': fit(
      (n) => `{ ${times(config.maxAliases, 'x: tierDistribution { tier }')} ${times(n, 'x: tierDistribution { tier }'.slice(3))} }`,
    ),
    'distinct fragments with the same field': fit(
      (n) =>
        `{ ${frags(n)
          .map((i) => `...F${i}`)
          .join(' ')} } ` +
        frags(n)
          .map((i) => `fragment F${i} on Query { tierDistribution { tier } }`)
          .join(' '),
    ),
    'nested fragments, each spreading the next twice': fit(
      (n) =>
        `{ ...N0 } ` +
        frags(n)
          .map((i) => `fragment N${i} on Query { tierDistribution { tier } ${i + 1 < n ? `...N${i + 1} ...N${i + 1}` : ''} }`)
          .join(' '),
    ),
    'inline fragments': fit((n) => `{ ${times(n, '... on Query { tierDistribution { tier } }')} }`),
    [`depth ${config.maxDepth}, the deepest levels repeated`]: fit((n) => (n > config.maxDepth ? '{' : tree(config.maxDepth, n))),
    'operations sharing one fragment': fit(
      (n) =>
        `${frags(n)
          .map((i) => `query Q${i} { ...T }`)
          .join(' ')} fragment T on Query { ${times(n, 'tierDistribution { tier }')} }`,
    ),
    'one field with a list argument (token limit)': fit(
      (n) => `{ contentBreakdown(groupBy: [${times(n, 'FORMAT', ', ')}]) { contentCount } }`,
    ),
    ...Object.fromEntries(
      [10, Math.floor(config.maxFields / 2)].map((fields) => [
        `${fields} same-name fields with list arguments (token limit)`,
        fit((n) => `{ ${times(fields, `contentBreakdown(groupBy: [${times(n, 'FORMAT', ', ')}]) { contentCount }`)} }`),
      ]),
    ),
  };
}

interface Row {
  name: string;
  bytes: number;
  selections: number;
  errors: string;
  medianMs: number;
  maxMs: number;
  cpuMedianMs: number;
}

function measure(schema: GraphQLSchema, name: string, source: string): Row {
  const rules = [...specifiedRules, ...limitRules(config)];
  const once = () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let document: DocumentNode | undefined;
    let errors: string[];
    try {
      document = parse(source, { maxTokens: config.maxTokens });
      errors = validate(schema, document, rules).map((e) => e.message);
    } catch (err) {
      errors = [(err as Error).message];
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, errors, document };
  };
  for (let i = 0; i < 3; i++) once(); // warm-up
  const runs = Array.from({ length: RUNS }, once).sort((a, b) => a.ms - b.ms);
  const { errors, document } = runs[0];
  const limitErrors = errors.filter((m) => /\(MAX_QUERY_|token limit/.test(m));
  return {
    name,
    bytes: Buffer.byteLength(source),
    selections: document ? countSelections(document) : NaN,
    errors: limitErrors.length
      ? `REFUSED: ${limitErrors[0]}`
      : errors.length
        ? `${errors.length} other (e.g. ${errors[0].slice(0, 50)})`
        : 'valid',
    medianMs: runs[Math.floor(RUNS / 2)].ms,
    maxMs: runs[RUNS - 1].ms,
    cpuMedianMs: runs.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(RUNS / 2)],
  };
}

async function inProcess(): Promise<boolean> {
  const schema = await buildAppSchema();
  console.log(
    `parse + validate, ${RUNS} runs each, NODE_ENV=${process.env.NODE_ENV ?? ''}; limits: fields ${config.maxFields}, aliases ` +
      `${config.maxAliases}, depth ${config.maxDepth}, tokens ${config.maxTokens}`,
  );
  console.log('| document | bytes | selections | CPU median ms | wall median ms | wall max ms | validation | load avg |');
  console.log('|---|---:|---:|---:|---:|---:|---|---|');
  let worst = 0;
  const rows = Object.entries({ ...worstDocuments(schema), '1,100 repeated fields (the stall document)': STALL_DOCUMENT });
  for (const [name, source] of rows) {
    const r = measure(schema, name, source);
    if (!r.errors.startsWith('REFUSED')) worst = Math.max(worst, r.cpuMedianMs);
    const ms = (x: number) => x.toFixed(2);
    const cells = [r.name, r.bytes, r.selections, ms(r.cpuMedianMs), ms(r.medianMs), ms(r.maxMs), r.errors, load()];
    console.log(`| ${cells.join(' | ')} |`);
  }
  const ok = worst <= BUDGET_MS;
  const verdict = `${ok ? 'within' : 'OVER'} the ${BUDGET_MS} ms budget`;
  console.log(`worst CPU median of the documents within the limits: ${worst.toFixed(2)} ms (${verdict})`);
  return ok;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function overHttp(): Promise<void> {
  const db = await scratchDatabase('bench_validation');
  const root = path.resolve(__dirname, '..');
  const server = await startServer({
    root,
    databaseUrl: db.url,
    port: 4300 + (process.pid % 500),
    logFile: path.join(os.tmpdir(), `${db.name}.log`),
    env: { MIGRATIONS_RUN: 'true', LOG_LEVEL: 'warn' },
  });
  try {
    const normal = '{ insights(first: 10) { totalCount nodes { id topic } } }';
    const timed = async (q: string) => {
      const t0 = performance.now();
      const res = await server.gql(q);
      return { ms: performance.now() - t0, res };
    };
    for (let i = 0; i < 20; i++) await timed(normal); // warm-up
    const first = await timed(STALL_DOCUMENT);
    const answer = JSON.stringify(first.res.errors?.[0] ?? first.res.data).slice(0, 160);
    console.log(`stall document: ${Buffer.byteLength(STALL_DOCUMENT)} bytes, answer: ${answer}`);
    const cpu0 = cpuMs(server.pid);
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) alone.push((await timed(STALL_DOCUMENT)).ms);
    const cpuPer = (cpuMs(server.pid) - cpu0) / 20;
    console.log(
      `stall document alone: server CPU ${cpuPer.toFixed(1)} ms per request, latency median ${pct(alone, 0.5).toFixed(1)} ms ` +
        `max ${Math.max(...alone).toFixed(1)} ms (load avg ${load()})`,
    );
    const base: number[] = [];
    for (let i = 0; i < 50; i++) base.push((await timed(normal)).ms);
    let stop = false;
    const attackers = Array.from({ length: 4 }, async () => {
      while (!stop) await timed(STALL_DOCUMENT);
    });
    const under: number[] = [];
    const until = Date.now() + 10_000;
    while (Date.now() < until) under.push((await timed(normal)).ms);
    stop = true;
    await Promise.all(attackers);
    const line = (xs: number[]) =>
      `median ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(`normal read alone: ${line(base)}`);
    console.log(`normal read while 4 clients send the stall document (10 s, ${under.length} reads): ${line(under)} (load avg ${load()})`);
  } finally {
    await server.stop();
    await db.drop();
  }
}

async function main() {
  const ok = process.argv.includes('--http-only') || (await inProcess());
  if (process.argv.includes('--http') || process.argv.includes('--http-only')) await overHttp();
  if (!ok) process.exitCode = 1;
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
