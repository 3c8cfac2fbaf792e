/**
 * The four servers of the peer benchmark and the read each answers, in its own query on its own
 * schema, read back into the same normalised rows so that the check can compare them before
 * anything is measured. Two reads: `nested`, 50 contents (newest first) -> their plan -> its
 * insight (batches of 50 ids per level); `detail`, one insight by id -> its 10 newest content plans
 * (one parent, one id: the statements a detail page of a frontend makes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_KEY, ChildServer, spawnServer, startServer } from '../../scripts/bench/server';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PEERS_DIR = __dirname;

export type PeerKey = 'ours' | 'base' | 'pg4' | 'pg5' | 'floor';

/** One content of the read, normalised: numbers as numbers, formats in lower case, no insight as null. */
export interface ReadRow {
  id: number;
  views: number | null;
  title: string;
  format: string;
  topic: string | null;
}

export interface Peer {
  key: PeerKey;
  label: string;
  /** The GraphQL request body's query (the floor ignores it). */
  query: string;
  rows(body: any): ReadRow[];
  /** How many rows a correct answer has (the check refuses another count). */
  expectedRows: number;
  start(opts: StartOptions): Promise<RunningPeer>;
}

export interface StartOptions {
  databaseUrl: string;
  port: number;
  logFile: string;
  /** The check phase: ours also reports extensions.queryStats. */
  check: boolean;
}

export interface RunningPeer extends ChildServer {
  url: string;
}

/** The installed version of a peer package (bench/peers/node_modules). */
export const installed = (pkg: string): string =>
  JSON.parse(fs.readFileSync(path.join(PEERS_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version;

const num = (v: string | number | null) => (v === null ? null : Number(v));

/** Ours and the floor answer the same shape. */
const oursRows = (body: any): ReadRow[] =>
  body.data.contents.nodes.map((n: any) => ({
    id: Number(n.id),
    views: num(n.views),
    title: n.contentPlan.title,
    format: n.contentPlan.format.toLowerCase(),
    topic: n.contentPlan.insight?.topic ?? null,
  }));

/** PostGraphile's default inflection names the relations after their foreign keys; bigint comes as a string. */
const postgraphileRows =
  (idField: string) =>
  (body: any): ReadRow[] =>
    body.data.allPublishedContents.nodes.map((n: any) => ({
      id: Number(n[idField]),
      views: num(n.views),
      title: n.contentPlanByContentPlanId.title,
      format: n.contentPlanByContentPlanId.format.toLowerCase(),
      topic: n.contentPlanByContentPlanId.insightByInsightId?.topic ?? null,
    }));

const postgraphileQuery = (idField: string, tieBreak: string) =>
  `{ allPublishedContents(first: 50, orderBy: [PUBLISHED_AT_DESC, ${tieBreak}]) { nodes { ${idField} views ` +
  'contentPlanByContentPlanId { title format insightByInsightId { topic } } } } }';

export async function postQuery(url: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

/** A peer's own server script (under servers/), ready once it answers the read. */
function startScript(script: string, query: string, nodeArgs: string[] = [], env: Record<string, string> = {}) {
  return async (o: StartOptions): Promise<RunningPeer> => {
    const url = `http://127.0.0.1:${o.port}/graphql`;
    const child = await spawnServer({
      args: [...nodeArgs, path.join(PEERS_DIR, 'servers', script)],
      cwd: PEERS_DIR,
      env: { DATABASE_URL: o.databaseUrl, PORT: String(o.port), NODE_ENV: 'production', ...env },
      ready: async () => {
        const r = await postQuery(url, query);
        return r.status === 200 && !r.body.errors;
      },
      logFile: o.logFile,
    });
    return { ...child, url };
  };
}

export type ReadName = 'nested' | 'detail';
export const READS: ReadName[] = ['nested', 'detail'];

/** A read as each server asks for it and how its answer becomes rows. */
interface Read {
  ours: string;
  pg4: string;
  pg5: string;
  oursRows(body: any): ReadRow[];
  postgraphileRows(idField: string): (body: any) => ReadRow[];
  /** Rows of a full answer: 50 contents, or the page of 10 plans. */
  expectedRows: number;
  /** What floor.js answers (BENCH_READ, and the insight for `detail`). */
  floorEnv: Record<string, string>;
}

const NESTED: Read = {
  ours: '{ contents(first: 50) { nodes { id views contentPlan { title format insight { topic } } } } }',
  pg4: postgraphileQuery('id', 'ID_DESC'),
  // Amber's `id` is the global node id and `rowId` the column; it offers orderings on indexed columns only.
  pg5: postgraphileQuery('rowId', 'PRIMARY_KEY_DESC'),
  oursRows,
  postgraphileRows,
  expectedRows: 50,
  floorEnv: { BENCH_READ: 'nested' },
};

/** One insight's 10 newest plans, as rows (views: none; topic: the insight's). */
const planRows = (insight: any, plans: any[], idField: string): ReadRow[] =>
  plans.map((p) => ({ id: Number(p[idField]), views: null, title: p.title, format: p.format.toLowerCase(), topic: insight.topic }));

const detail = (insightId: number): Read => {
  const pgPlans = (idField: string, tieBreak: string) =>
    `topic contentPlansByInsightId(first: 10, orderBy: [CREATED_AT_DESC, ${tieBreak}]) { nodes { ${idField} title format } }`;
  return {
    ours: `{ insight(id: "${insightId}") { topic contentPlans(first: 10) { nodes { id title format } } } }`,
    pg4: `{ insightById(id: ${insightId}) { ${pgPlans('id', 'ID_DESC')} } }`,
    pg5: `{ insightByRowId(rowId: ${insightId}) { ${pgPlans('rowId', 'PRIMARY_KEY_DESC')} } }`,
    oursRows: (body) => planRows(body.data.insight, body.data.insight.contentPlans.nodes, 'id'),
    postgraphileRows: (idField) => (body) => {
      const insight = body.data[idField === 'id' ? 'insightById' : 'insightByRowId'];
      return planRows(insight, insight.contentPlansByInsightId.nodes, idField);
    },
    expectedRows: 10,
    floorEnv: { BENCH_READ: 'detail', BENCH_INSIGHT: String(insightId) },
  };
};

/** Ours from a checkout (its dist/ built): this one, or BENCH_BASE_ROOT's for a before/after. */
function oursAt(root: string) {
  return async (o: StartOptions): Promise<RunningPeer> => {
    const s = await startServer({
      root,
      databaseUrl: o.databaseUrl,
      port: o.port,
      logFile: o.logFile,
      // Production settings: no per-request statistics outside the check, no log lines.
      env: { LOG_LEVEL: 'silent', QUERY_STATS: o.check ? '1' : '0', BENCH_ALLOW_UNBATCHED: '0' },
    });
    return { pid: s.pid, url: s.url, stop: s.stop };
  };
}

const BASE_ROOT = process.env.BENCH_BASE_ROOT;

/** The servers for a read (`detail` names the insight it reads). */
export function peersFor(name: ReadName, insightId = 0): Peer[] {
  const read = name === 'detail' ? detail(insightId) : NESTED;
  const peers: Omit<Peer, 'expectedRows'>[] = [
    { key: 'ours', label: 'ours', query: read.ours, rows: read.oursRows, start: oursAt(ROOT) },
    // `--servers ours,base,...` with BENCH_BASE_ROOT=<another checkout>: the same read on an earlier commit.
    ...(BASE_ROOT
      ? [
          {
            key: 'base' as const,
            label: `ours at ${path.basename(BASE_ROOT)}`,
            query: read.ours,
            rows: read.oursRows,
            start: oursAt(BASE_ROOT),
          },
        ]
      : []),
    {
      key: 'pg4',
      get label() {
        return `PostGraphile ${installed('postgraphile4')}`;
      },
      query: read.pg4,
      rows: read.postgraphileRows('id'),
      start: startScript('postgraphile4.js', read.pg4),
    },
    {
      key: 'pg5',
      get label() {
        return `PostGraphile ${installed('postgraphile')}`;
      },
      query: read.pg5,
      rows: read.postgraphileRows('rowId'),
      // It declares Node >= 22; on Node 20 it needs only Promise.withResolvers.
      start: startScript('postgraphile5.js', read.pg5, ['-r', path.join(PEERS_DIR, 'servers', 'with-resolvers.js')]),
    },
    {
      key: 'floor',
      label: 'floor (one prepared join)',
      query: read.ours,
      rows: read.oursRows,
      start: startScript('floor.js', read.ours, [], read.floorEnv),
    },
  ];
  return peers.map((p) => Object.assign(p, { expectedRows: read.expectedRows }));
}

export const PEERS: Peer[] = peersFor('nested');
