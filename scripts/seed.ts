/**
 * npm run seed -- --users N --interactions M --content C --logs L [--seed S] [--anchor ISO] [--keep-indexes]
 *
 * Replaces every row of the database (DATABASE_URL, else the embedded PostgreSQL that `npm start`
 * uses) with a deterministic dataset: same arguments, same rows. Migrations run first.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/data-source';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded';
import { seedDatabase } from './seed/seed-db';
import type { SeedSpec } from './seed/rows';

/** The default "now" of the dataset: fixed so that a seed is reproducible. */
export const DEFAULT_ANCHOR = '2026-11-28T00:00:00.000Z';

const USAGE = `usage: npm run seed -- --users N --interactions M --content C --logs L [--seed S] [--anchor ISO] [--keep-indexes]
  Deletes every row of the eight tables, then loads the generated dataset (timestamps up to --anchor,
  default ${DEFAULT_ANCHOR}). Database: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR.`;

export function parseSeedArgs(argv: string[]): { spec: SeedSpec; keepIndexes: boolean } {
  const vals: Record<string, string> = {};
  let keepIndexes = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep-indexes') keepIndexes = true;
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
  const anchorRaw = vals.anchor ?? DEFAULT_ANCHOR;
  delete vals.anchor;
  const anchor = new Date(anchorRaw);
  if (Number.isNaN(anchor.getTime())) throw new Error(`--anchor must be an ISO date-time, got "${anchorRaw}"`);
  const spec: SeedSpec = {
    users: count('users', 1000),
    interactions: count('interactions', 50_000),
    content: count('content', 1000),
    logs: count('logs', 10_000),
    seed: count('seed', 42),
    anchor,
  };
  const unknown = Object.keys(vals);
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  if (spec.interactions > 0 && spec.users === 0) throw new Error('--interactions needs --users > 0');
  return { spec, keepIndexes };
}

async function main() {
  const { spec, keepIndexes } = parseSeedArgs(process.argv.slice(2));
  const config = loadConfig();
  if (config.nodeEnv === 'production') throw new Error('refusing to seed (and so truncate) with NODE_ENV=production');
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    process.stderr.write(`DATABASE_URL is not set: using the embedded PostgreSQL under ${config.dataDir}\n`);
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPort, database: EMBEDDED_DATABASE, whenRunning: 'share' });
    url = embedded.url;
  }
  try {
    await runMigrations(url, 'seed-migrations'); // the seed needs the exact schema
    const report = await seedDatabase(url, spec, { keepIndexes });
    process.stderr.write(`phases (ms): ${JSON.stringify(report.phases)}\n`);
  } finally {
    if (embedded) await embedded.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
