/**
 * Ingest benchmark into a fresh database, 1 and 4 clients each: recordInteractions with 5000 items
 * per call over HTTP, and recordInteractionColumns with the same items as parallel lists; POST /ingest/interactions with NDJSON bodies of BENCH_INGEST_ITEMS lines
 * (written while they arrive, in statements of 5000) and of BENCH_ITEMS lines (one statement after the parse); and
 * two floors, the same rows as a plain `INSERT ... SELECT FROM unnest` and as `COPY ... FROM STDIN`
 * straight from this process through pg (no HTTP, no GraphQL, no validation). `npm run bench:ingest` (DATABASE_URL names the PostgreSQL server; this script creates
 * and drops its own database there). The server runs as a child process (the build, `npm run build`),
 * so the client's work does not share the server's event loop.
 *
 * The server runs as deployed: NODE_ENV=production with a writer API key. (Without NODE_ENV=production
 * graphql-js checks every instanceof for duplicate-module mistakes, which roughly doubles the cost of
 * coercing 5000 input objects; BENCH_NODE_ENV= (empty) shows that.)
 * Besides wall-clock rows/s the table gives CPU microseconds per row of the server process and of its
 * PostgreSQL backends (from /proc), and what two otherwise idle cores would ingest at that cost: the
 * machine is shared, so wall-clock numbers depend on whatever else runs.
 *
 * Env: BENCH_PORT (4201), BENCH_ITEMS (5000), BENCH_CALLS (calls per scenario, 24), BENCH_USERS (20000),
 * BENCH_INGEST_ITEMS (lines per /ingest/interactions request, 50000),
 * BENCH_NODE_ENV (production), BENCH_NODE_ARGS (extra node flags for the server, e.g. --cpu-prof),
 * BENCH_QUEUE (on: each call also enqueues the incremental ConversionAgent and the server's worker
 * runs it, as deployed; trigger: the enqueue alone, WORKER=off; off: AUTO_RECOMPUTE=off and
 * WORKER=off, the ingest alone).
 *
 * BENCH_FLOORS=1: the floors table instead (floorsTable: COPY into user_interactions and into copies
 * of it without its foreign keys, indexes, partitions or WAL).
 *
 * BENCH_QUEUE=off,trigger (two or more modes) compares them instead, and BENCH_BASELINE=<root of
 * another checkout, built> compares this build with that one (in the first queue mode):
 * compareServers, BENCH_ROUNDS rounds (4) of recordInteractions and the unnest floor, interleaved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BENCH_KEY, BenchServer, onScratchServer, startServer } from './bench/server';

const PORT = Number(process.env.BENCH_PORT ?? 4201);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 5000);
const CALLS = Number(process.env.BENCH_CALLS ?? 24);
const USERS = Number(process.env.BENCH_USERS ?? 20000);
const INGEST_ITEMS = Number(process.env.BENCH_INGEST_ITEMS ?? 50000);
const CONTENTS = 2000;
const NODE_ENV = process.env.BENCH_NODE_ENV ?? 'production';
const MODES = (process.env.BENCH_QUEUE ?? 'on').split(',').map((m) => m.trim());
for (const m of MODES) if (!['on', 'trigger', 'off'].includes(m)) throw new Error(`BENCH_QUEUE must list on, trigger or off, got "${m}"`);
const QUEUE = MODES[0];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const FLOORS = process.env.BENCH_FLOORS === '1';
const KEY = BENCH_KEY;
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
const TYPES = ['VIEW', 'LIKE', 'COMMENT', 'SHARE', 'CLICK', 'FOLLOW', 'SIGNUP', 'PURCHASE'];
const MUTATION = 'mutation Ingest($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

type Item = { userId: string; type: string; contentId?: string; timestamp?: string };

/** A pseudo-random but reproducible stream of items (xorshift), made before any timing. */
function makeItems(count: number, size: number, userIds: number[], contentIds: number[]): Item[][] {
  let s = 0x9e3779b9;
  const rnd = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32);
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () => {
      const item: Item = {
        userId: String(userIds[Math.floor(rnd() * userIds.length)]),
        type: TYPES[Math.floor(rnd() * TYPES.length)],
      };
      if (rnd() < 0.7) item.contentId = String(contentIds[Math.floor(rnd() * contentIds.length)]);
      if (rnd() < 0.5) item.timestamp = new Date(base + Math.floor(rnd() * 90 * 86400e3)).toISOString();
      return item;
    }),
  );
}

const COLUMNS_MUTATION =
  'mutation IngestColumns($input: RecordInteractionColumnsInput!) { recordInteractionColumns(input: $input) { inserted } }';

/** One unit of work of a scenario: it resolves to the rows it inserted and its own timings. */
type Job = () => Promise<CallResult>;

const graphqlJob =
  (port = PORT) =>
  (items: Item[]): Job => {
    const body = JSON.stringify({ query: MUTATION, variables: { input: items }, operationName: 'Ingest' });
    return () => call(port, body);
  };

/** The same items as recordInteractionColumns' parallel lists. */
const columnsJob = (items: Item[]): Job => {
  const input = {
    userIds: items.map((i) => i.userId),
    types: items.map((i) => i.type),
    contentIds: items.map((i) => i.contentId ?? null),
    timestamps: items.map((i) => i.timestamp ?? null),
  };
  const body = JSON.stringify({ query: COLUMNS_MUTATION, variables: { input }, operationName: 'IngestColumns' });
  return () => call(PORT, body, 'recordInteractionColumns');
};

const ndjsonJob = (items: Item[]): Job => {
  const body = items.map((i) => JSON.stringify(i)).join('\n');
  return async () => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/ingest/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${KEY}` },
      body,
    });
    const json = (await res.json()) as { inserted?: number; errors?: unknown[] };
    if (res.status !== 200) throw new Error(JSON.stringify(json));
    return { ms: performance.now() - t0, sqlMs: NaN, inserted: json.inserted! };
  };
};

const FLOOR_SQL = `INSERT INTO user_interactions (user_id, content_id, interaction_type, timestamp)
  SELECT u, c, k, coalesce(ts, now()) FROM unnest($1::int4[], $2::int4[], $3::text[], $4::timestamptz[]) AS i(u, c, k, ts)`;

/** The floor: the same rows as one plain INSERT ... SELECT FROM unnest, from this process (pg's own array encoding). */
const floorJob =
  (pool: Pool, items: Item[]): Job =>
  async () => {
    const t0 = performance.now();
    await pool.query(FLOOR_SQL, [
      items.map((i) => Number(i.userId)),
      items.map((i) => (i.contentId ? Number(i.contentId) : null)),
      items.map((i) => i.type.toLowerCase()),
      items.map((i) => i.timestamp ?? null),
    ]);
    return { ms: performance.now() - t0, sqlMs: NaN, inserted: items.length };
  };

const copySql = (table: string) => `COPY ${table} (user_id, content_id, interaction_type, timestamp) FROM STDIN`;

/**
 * The COPY floor: the same rows in COPY's text format (a left-out timestamp is this process's now,
 * since COPY fills no default for a column it is given).
 */
const copyJob =
  (pool: Pool, items: Item[], table = 'user_interactions'): Job =>
  async () => {
    const t0 = performance.now();
    const now = new Date().toISOString();
    const text = items.map((i) => `${i.userId}\t${i.contentId ?? '\\N'}\t${i.type.toLowerCase()}\t${i.timestamp ?? now}\n`).join('');
    const client = await pool.connect();
    try {
      await pipeline(Readable.from([text]), client.query(copyFrom(copySql(table))));
    } finally {
      client.release();
    }
    return { ms: performance.now() - t0, sqlMs: NaN, inserted: items.length };
  };

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 when unreadable. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/**
 * CPU used by the server process and by its PostgreSQL backends: with other work on the machine,
 * wall-clock rows/s says little, CPU seconds per row say what the ingest path costs.
 */
class CpuMeter {
  private start = new Map<number, number>();
  constructor(
    private readonly pg: Client,
    private readonly serverPid: number,
  ) {}
  private async backends(): Promise<number[]> {
    const r = await this.pg.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    return r.rows.map((x) => x.pid as number);
  }
  async begin() {
    this.start = new Map([[this.serverPid, cpuSeconds(this.serverPid)]]);
    for (const pid of await this.backends()) this.start.set(pid, cpuSeconds(pid));
  }
  async end(): Promise<{ server: number; pg: number }> {
    const server = cpuSeconds(this.serverPid) - this.start.get(this.serverPid)!;
    let pg = 0;
    for (const pid of await this.backends()) pg += cpuSeconds(pid) - (this.start.get(pid) ?? 0);
    return { server, pg };
  }
}

interface CallResult {
  ms: number;
  sqlMs: number;
  inserted: number;
}

async function call(port: number, body: string, field = 'recordInteractions'): Promise<CallResult> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: HEADERS, body });
  const json = (await res.json()) as {
    data?: Record<string, { inserted: number }>;
    errors?: unknown[];
    extensions?: { queryStats?: { sqlTimeMs: number } };
  };
  const ms = performance.now() - t0;
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return { ms, sqlMs: json.extensions?.queryStats?.sqlTimeMs ?? NaN, inserted: json.data![field].inserted };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function scenario(name: string, clients: number, jobs: Job[], cpu: CpuMeter) {
  let next = 0;
  const results: CallResult[] = [];
  await cpu.begin();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < jobs.length) results.push(await jobs[next++]());
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const used = await cpu.end();
  const rows = results.reduce((a, r) => a + r.inserted, 0);
  return {
    scenario: name,
    clients,
    calls: results.length,
    rows,
    seconds: Number(seconds.toFixed(2)),
    'rows/s': Math.round(rows / seconds),
    'p50 ms': Math.round(
      pct(
        results.map((r) => r.ms),
        50,
      ),
    ),
    'p95 ms': Math.round(
      pct(
        results.map((r) => r.ms),
        95,
      ),
    ),
    'p50 sql ms': Number.isNaN(results[0].sqlMs)
      ? ''
      : Math.round(
          pct(
            results.map((r) => r.sqlMs),
            50,
          ),
        ),
    'node cpu µs/row': Number(((used.server / rows) * 1e6).toFixed(1)),
    'pg cpu µs/row': Number(((used.pg / rows) * 1e6).toFixed(1)),
    // What the two cores could ingest if this were the only work on the machine.
    'rows/s per 2 cpu': Math.round((2 * rows) / (used.server + used.pg)),
    load: loadAverage(),
  };
}

/**
 * BENCH_FLOORS=1: what PostgreSQL itself can take on this machine. The same COPY of the same rows
 * into user_interactions and into tables built like it with parts left out (foreign keys, indexes,
 * partitions, WAL), 1 and 4 clients: the gap between two rows is what the part left out costs.
 */
const FLOOR_TABLES: { table: string; what: string; ddl: string[] }[] = (() => {
  const like = (t: string, indexes: boolean) => [
    `CREATE TABLE ${t} (LIKE user_interactions INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY${indexes ? ' INCLUDING INDEXES' : ''}) PARTITION BY RANGE ("timestamp")`,
    `CREATE TABLE ${t}_default PARTITION OF ${t} DEFAULT`,
    `CREATE TABLE ${t}_now PARTITION OF ${t} FOR VALUES FROM (date_trunc('month', now())) TO (date_trunc('month', now()) + interval '1 month')`,
  ];
  const fks = (t: string) => [
    `ALTER TABLE ${t} ADD FOREIGN KEY (user_id) REFERENCES community_users (id) ON DELETE CASCADE`,
    `ALTER TABLE ${t} ADD FOREIGN KEY (content_id) REFERENCES published_content (id) ON DELETE SET NULL`,
  ];
  return [
    { table: 'user_interactions', what: 'user_interactions: 2 FKs, PK + 4 indexes, partitioned', ddl: [] },
    {
      table: 'floor_fk_3idx',
      what: 'the same without (user_id, timestamp, interaction_type)',
      ddl: [...like('floor_fk_3idx', true), ...fks('floor_fk_3idx'), 'DROP INDEX floor_fk_3idx_user_id_timestamp_interaction_type_idx'],
    },
    { table: 'floor_nofk', what: 'no FKs; PK + 4 indexes, partitioned', ddl: like('floor_nofk', true) },
    {
      table: 'floor_fk_noidx',
      what: '2 FKs; no index, partitioned',
      ddl: [...like('floor_fk_noidx', false), ...fks('floor_fk_noidx')],
    },
    {
      table: 'floor_nofk_2idx',
      what: 'no FKs; PK + the contract index, partitioned',
      ddl: [
        ...like('floor_nofk_2idx', false),
        'ALTER TABLE floor_nofk_2idx ADD PRIMARY KEY (id, "timestamp")',
        'CREATE INDEX ON floor_nofk_2idx (user_id, "timestamp")',
      ],
    },
    { table: 'floor_heap', what: 'no FKs, no index, partitioned', ddl: like('floor_heap', false) },
    {
      table: 'floor_unlogged',
      what: 'no FKs, no index, one UNLOGGED table (no WAL)',
      ddl: ['CREATE UNLOGGED TABLE floor_unlogged (LIKE user_interactions INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)'],
    },
  ];
})();

async function floorsTable(pg: Client, dbUrl: string, cpu: CpuMeter, make: () => Item[][]) {
  for (const f of FLOOR_TABLES) for (const sql of f.ddl) await pg.query(sql);
  const pool = new Pool({ connectionString: dbUrl, max: 4 });
  for (const f of FLOOR_TABLES) for (const items of make().slice(0, 1)) await copyJob(pool, items, f.table)(); // warm-up
  const table = [];
  for (const clients of [1, 4]) {
    for (const f of FLOOR_TABLES) {
      const r = await scenario(
        'copy',
        clients,
        make().map((i) => copyJob(pool, i, f.table)),
        cpu,
      );
      table.push({
        'COPY into': f.what,
        clients,
        'rows/s': r['rows/s'],
        'pg cpu µs/row': r['pg cpu µs/row'],
        'rows/s per 2 cpu': r['rows/s per 2 cpu'],
        load: r.load,
      });
    }
  }
  await pool.end();
  console.table(table);
  console.log(`load: ${loadAverage()}`);
  for (const f of FLOOR_TABLES) if (f.ddl.length) await pg.query(`DROP TABLE ${f.table}`);
  return 2 * CALLS * ITEMS + ITEMS; // the rows it wrote into user_interactions (warm-up, 1 and 4 clients)
}

/** The environment of the server for one queue mode. */
const modeEnv = (mode: string) => ({ AUTO_RECOMPUTE: String(mode !== 'off'), WORKER: String(mode === 'on') });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One server of a comparison: a queue mode of this build, or BENCH_BASELINE's build. */
interface Variant {
  name: string;
  root: string;
  mode: string;
}

/**
 * The servers a comparison runs: BENCH_BASELINE (the root of another checkout with its own dist/)
 * compares this build with that one in the first queue mode; else two or more BENCH_QUEUE modes
 * compare the modes of this build. Null: no comparison.
 */
function comparedVariants(): Variant[] | null {
  const here = path.resolve(__dirname, '..');
  const baseline = process.env.BENCH_BASELINE;
  if (baseline) {
    if (!fs.existsSync(path.join(baseline, 'dist/src/main.js')))
      throw new Error(`BENCH_BASELINE: no build at ${baseline}/dist (npm run build there)`);
    return [
      { name: 'this build', root: here, mode: QUEUE },
      { name: 'baseline', root: path.resolve(baseline), mode: QUEUE },
    ];
  }
  return MODES.length > 1 ? MODES.map((mode) => ({ name: mode, root: here, mode })) : null;
}

const FLOOR = 'floor (unnest)';

/**
 * A comparison: one server per variant on the same database (ports BENCH_PORT, BENCH_PORT+1, ...),
 * BENCH_ROUNDS rounds of recordInteractions at 1 and 4 clients, the variants and the unnest floor
 * interleaved within each round and in reverse order every other round (floor, a, b | b, a, floor
 * | ...), so that all see the same table size and the same drift of the shared machine. It prints
 * every round with its load average, then each round's rows/s ratio of every variant to the first
 * and to the floor, and their medians. (With queue mode `on` among the variants its worker also
 * runs during the others' rounds: compare off and trigger.)
 */
async function compareServers(
  pg: Client,
  first: BenchServer,
  dbUrl: string,
  nodeArgs: string[],
  variants: Variant[],
  make: () => Item[][],
) {
  const servers = new Map<string, BenchServer>([[variants[0].name, first]]);
  const ports = new Map<string, number>([[variants[0].name, PORT]]);
  const floorPool = new Pool({ connectionString: dbUrl, max: 4 });
  try {
    for (const [i, v] of variants.entries()) {
      if (i === 0) continue;
      ports.set(v.name, PORT + i);
      servers.set(
        v.name,
        await startServer({
          root: v.root,
          databaseUrl: dbUrl,
          port: PORT + i,
          logFile: path.join(os.tmpdir(), `creator_bench_ingest-${i}-server.log`),
          nodeArgs,
          env: { NODE_ENV, LOG_LEVEL: 'silent', ...modeEnv(v.mode) },
        }),
      );
    }
    const warm = make().slice(0, 2);
    for (const v of variants) for (const items of warm) await graphqlJob(ports.get(v.name))(items)(); // warm-up
    for (const items of warm) await floorJob(floorPool, items)();
    const names = [FLOOR, ...variants.map((v) => v.name)];
    const table = [];
    const ratios = new Map<string, number[]>(); // `${variant} / ${other}, ${clients} clients` -> per round
    const addRatio = (key: string, x: number) => ratios.set(key, [...(ratios.get(key) ?? []), x]);
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? names : [...names].reverse();
      for (const clients of [1, 4]) {
        const rate = new Map<string, number>();
        for (const name of order) {
          const server = servers.get(name) ?? first; // the floor's node column: the first server idling
          const jobs = name === FLOOR ? make().map((i) => floorJob(floorPool, i)) : make().map(graphqlJob(ports.get(name)));
          const r = await scenario(name === FLOOR ? 'floor' : 'graphql', clients, jobs, new CpuMeter(pg, server.pid));
          rate.set(name, r['rows/s']);
          table.push({ round, path: name, ...r });
        }
        const c = `${clients} client${clients > 1 ? 's' : ''}`;
        for (const v of variants.slice(1))
          addRatio(`${v.name} / ${variants[0].name}, ${c}`, rate.get(v.name)! / rate.get(variants[0].name)!);
        for (const v of variants) addRatio(`${v.name} / ${FLOOR}, ${c}`, rate.get(v.name)! / rate.get(FLOOR)!);
      }
    }
    console.table(table.map(({ scenario: _s, 'p50 sql ms': _q, ...row }) => row));
    console.table(
      [...ratios].map(([what, xs]) => ({
        'rows/s ratio': what,
        'per round': xs.map((x) => x.toFixed(3)).join(' '),
        median: Number(median(xs).toFixed(3)),
      })),
    );
    return table.reduce((n, r) => n + r.rows, 0) + (variants.length + 1) * 2 * ITEMS;
  } finally {
    await floorPool.end();
    for (const [name, server] of servers) if (name !== variants[0].name) await server.stop();
  }
}

async function main() {
  // The built server as deployed (scripts/bench/server.ts: NODE_ENV=production, a key).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const env = { NODE_ENV, LOG_LEVEL: 'silent', ...modeEnv(QUEUE) };
  await onScratchServer('creator_bench_ingest', { port: PORT, nodeArgs, env }, async (server, dbUrl) => {
    const pg = new Client({ connectionString: dbUrl });
    await pg.connect();
    await pg.query(`INSERT INTO community_users (handle, platform) SELECT 'bench' || g, 'youtube' FROM generate_series(1, $1::int) g`, [
      USERS,
    ]);
    await pg.query(
      `INSERT INTO content_plans (title, format, platform) SELECT 'plan ' || g, 'video', 'youtube' FROM generate_series(1, 200) g`,
    );
    await pg.query(
      `INSERT INTO published_content (content_plan_id, platform) SELECT p.id, 'youtube' FROM content_plans p, generate_series(1, $1::int / 200)`,
      [CONTENTS],
    );
    await pg.query('ANALYZE');
    const userIds = (await pg.query('SELECT id FROM community_users')).rows.map((r) => r.id as number);
    const contentIds = (await pg.query('SELECT id FROM published_content')).rows.map((r) => r.id as number);

    // Every scenario inserts the same number of rows: CALLS x ITEMS, in requests of its own size.
    const rowsPer = CALLS * ITEMS;
    const ingestCalls = Math.max(1, Math.round(rowsPer / INGEST_ITEMS));
    const graphqlItems = () => makeItems(CALLS, ITEMS, userIds, contentIds);
    const ingestItems = () => makeItems(ingestCalls, Math.round(rowsPer / ingestCalls), userIds, contentIds);
    if (FLOORS) {
      console.log(`floors: per row ${rowsPer} rows, COPY in statements of ${ITEMS} rows (text format), the same rows every time`);
      const expected = await floorsTable(pg, dbUrl, new CpuMeter(pg, server.pid), graphqlItems);
      const stored = Number((await pg.query('SELECT count(*) AS n FROM user_interactions')).rows[0].n);
      console.log(`user_interactions rows: ${stored} (expected ${expected})`);
      await pg.end();
      if (stored !== expected) process.exitCode = 1;
      return;
    }
    const variants = comparedVariants();
    if (variants) {
      console.log(
        `NODE_ENV=${NODE_ENV || '(unset)'}; ${variants.map((v) => `${v.name} (${v.root}, queue ${v.mode})`).join(' vs ')}, ${ROUNDS} ` +
          `interleaved rounds with the unnest floor; seeded ${userIds.length} users, ${contentIds.length} contents; per round and ` +
          `server ${rowsPer} rows at 1 and at 4 clients: ${CALLS} recordInteractions calls of ${ITEMS} items`,
      );
      const expected = await compareServers(pg, server, dbUrl, nodeArgs, variants, graphqlItems);
      const stored = Number((await pg.query('SELECT count(*) AS n FROM user_interactions')).rows[0].n);
      console.log(`load: ${loadAverage()}; user_interactions rows: ${stored} (expected ${expected})`);
      await pg.end();
      if (stored !== expected) process.exitCode = 1;
      return;
    }
    console.log(
      `NODE_ENV=${NODE_ENV || '(unset)'}; queue ${QUEUE}; seeded ${userIds.length} users, ${contentIds.length} contents; per scenario ${rowsPer} rows: ` +
        `${CALLS} recordInteractions calls of ${ITEMS} items, ${ingestCalls} /ingest/interactions bodies, the floor in calls of ${ITEMS}`,
    );
    const floorPool = new Pool({ connectionString: dbUrl, max: 4 });
    // warm-up: JIT, pool connections, plans
    for (const items of makeItems(2, ITEMS, userIds, contentIds)) {
      await graphqlJob()(items)();
      await columnsJob(items)();
      await ndjsonJob(items)();
      await floorJob(floorPool, items)();
      await copyJob(floorPool, items)();
    }
    let expected = 2 * 5 * ITEMS;

    const cpu = new CpuMeter(pg, server.pid);
    const table = [];
    for (const clients of [1, 4]) {
      table.push({
        path: 'floor: INSERT ... unnest (pg, no HTTP)',
        ...(await scenario(
          'floor',
          clients,
          graphqlItems().map((i) => floorJob(floorPool, i)),
          cpu,
        )),
      });
      table.push({
        path: 'floor: COPY FROM STDIN (pg, no HTTP)',
        ...(await scenario(
          'copy',
          clients,
          graphqlItems().map((i) => copyJob(floorPool, i)),
          cpu,
        )),
      });
      table.push({
        path: `recordInteractions (${ITEMS} per call)`,
        ...(await scenario('graphql', clients, graphqlItems().map(graphqlJob()), cpu)),
      });
      table.push({
        path: `recordInteractionColumns (${ITEMS} per call)`,
        ...(await scenario('columns', clients, graphqlItems().map(columnsJob), cpu)),
      });
      table.push({
        path: `/ingest/interactions NDJSON (${Math.round(rowsPer / ingestCalls)} lines a body)`,
        ...(await scenario('ingest', clients, ingestItems().map(ndjsonJob), cpu)),
      });
      // The same rows in bodies of one statement each: parsed first, then written (no overlap).
      table.push({
        path: `/ingest/interactions NDJSON (${ITEMS} lines a body)`,
        ...(await scenario('ingest', clients, graphqlItems().map(ndjsonJob), cpu)),
      });
    }
    console.table(table);
    console.log(`load: ${loadAverage()}`);
    await floorPool.end();
    expected += table.reduce((n, r) => n + r.rows, 0);

    const stored = Number((await pg.query('SELECT count(*) AS n FROM user_interactions')).rows[0].n);
    console.log(`user_interactions rows: ${stored} (expected ${expected})`);
    await pg.end();
    if (stored !== expected) process.exitCode = 1;
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
