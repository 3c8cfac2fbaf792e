/**
 * npm run seed -- [--users N --interactions M --content C --logs L --seed S]
 *                  [--anchor ISO] [--span-days D] [--reset] [--no-agents] [--keep-indexes]
 *
 * Fills the database (DATABASE_URL, else the embedded PostgreSQL that `npm start` uses) with a
 * generated dataset whose timestamps end at --anchor (default: now), then runs the four agents once.
 * Same arguments and anchor, same rows. A database that holds rows is left alone unless --reset.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded';
import { describeError } from '../src/startup-error';
import { runAgents } from './seed/agents';
import { TABLES } from './seed/load';
import { seedDatabase } from './seed/seed-db';
import type { SeedSpec } from './seed/rows';

const USAGE = `usage: npm run seed -- [--users N] [--interactions M] [--content C] [--logs L] [--seed S]
                       [--anchor ISO] [--span-days D] [--reset] [--no-agents] [--keep-indexes]
  Loads a generated dataset whose timestamps end at --anchor (default: now; pass the anchor it
  prints to make the same rows again) and start --span-days before it (default 90), then runs
  the four agents once (--no-agents skips them).
  A database that already holds rows is refused; --reset deletes them first (it lists them).
  Database: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR.`;

export interface SeedArgs {
  spec: SeedSpec;
  keepIndexes: boolean;
  reset: boolean;
  agents: boolean;
}

const FLAGS = ['--keep-indexes', '--reset', '--no-agents'];

export function parseSeedArgs(argv: string[], now = new Date()): SeedArgs {
  const vals: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (FLAGS.includes(a)) flags.add(a);
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--') && i + 1 < argv.length) vals[a.slice(2)] = argv[++i];
    else throw new Error(`unexpected argument "${a}"\n${USAGE}`);
  }
  const count = (name: string, fallback: number) => {
    const raw = vals[name];
    delete vals[name];
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
    return n;
  };
  const anchorRaw = vals.anchor;
  delete vals.anchor;
  // Whole seconds: the anchor printed for reproducing the run is exactly the one used.
  const anchor = anchorRaw === undefined ? new Date(Math.floor(now.getTime() / 1000) * 1000) : new Date(anchorRaw);
  if (Number.isNaN(anchor.getTime())) throw new Error(`--anchor must be an ISO date-time, got "${anchorRaw}"`);
  const spec: SeedSpec = {
    users: count('users', 1000),
    interactions: count('interactions', 50_000),
    content: count('content', 1000),
    logs: count('logs', 10_000),
    seed: count('seed', 42),
    anchor,
  };
  const spanDays = count('span-days', 0);
  if (spanDays > 0) spec.spanDays = spanDays;
  const unknown = Object.keys(vals);
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  if (spec.interactions > 0 && spec.users === 0) throw new Error('--interactions needs --users > 0');
  return { spec, keepIndexes: flags.has('--keep-indexes'), reset: flags.has('--reset'), agents: !flags.has('--no-agents') };
}

/** Rows per table, only the tables that hold some. */
async function heldRows(url: string): Promise<[string, number][]> {
  const client = new Client({ connectionString: url, application_name: 'seed' });
  await client.connect();
  try {
    const { rows } = await client.query(TABLES.map((t) => `SELECT '${t}' AS t, count(*)::bigint AS n FROM ${t}`).join(' UNION ALL '));
    return rows.map((r): [string, number] => [r.t, Number(r.n)]).filter(([, n]) => n > 0);
  } finally {
    await client.end();
  }
}

const where = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
};

async function main() {
  const { spec, keepIndexes, reset, agents } = parseSeedArgs(process.argv.slice(2));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const config = loadConfig();
  if (config.nodeEnv === 'production') throw new Error('refusing to seed (and so truncate) with NODE_ENV=production');
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    say(`DATABASE_URL is not set: using the embedded PostgreSQL under ${config.dataDir}`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPort,
      database: EMBEDDED_DATABASE,
      whenRunning: 'share',
      log: say,
    });
    url = embedded.url;
  }
  try {
    await runMigrations(url, 'seed-migrations'); // the seed needs the exact schema
    const held = await heldRows(url);
    const list = held.map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ');
    if (held.length && !reset) {
      throw new Error(`${where(url)} already holds rows (${list}): add --reset to delete them and seed, or point DATABASE_URL elsewhere`);
    }
    if (held.length) say(`--reset: deleting every row of ${where(url)}: ${list}`);
    say(`anchor ${spec.anchor.toISOString()} (--anchor ${spec.anchor.toISOString()} makes these rows again)`);
    const report = await seedDatabase(url, spec, { keepIndexes });
    say(`phases (ms): ${JSON.stringify(report.phases)}`);
    if (agents) await runAgents(url, say);
  } finally {
    if (embedded) await embedded.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(describeError(err));
    process.exit(1);
  });
}
