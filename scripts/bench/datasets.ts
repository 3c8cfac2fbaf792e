/** The benchmark datasets (one database each on the benchmark's PostgreSQL) and what runs on them. */
import { Client } from 'pg';
import { runMigrations } from '../../src/db/data-source';
import { withDatabase } from '../../src/db/url';
import { seedDatabase, SeedReport } from '../seed/seed-db';
import type { SeedSpec } from '../seed/rows';

/** Bump when the generator changes: a database seeded by another version is seeded again. */
const GENERATOR_VERSION = 1;
export const ANCHOR = '2026-11-28T00:00:00.000Z';

export interface Dataset {
  name: string;
  spec: SeedSpec;
  /** Only when asked for by name (`--datasets xxl`): too large for the default runs. */
  optIn?: boolean;
}

const spec = (users: number, interactions: number, content: number, logs: number, spanDays?: number): SeedSpec => ({
  users,
  interactions,
  content,
  logs,
  seed: 42,
  anchor: new Date(ANCHOR),
  ...(spanDays ? { spanDays } : {}),
});

/**
 * The original table's sizes (S, M, L), ten times past them (XL), and XXL (issue 16): ten times
 * XL's interactions over 18 months (548 days) instead of 90 days, for `npm run bench:scale`.
 */
export const DATASETS: Dataset[] = [
  { name: 's', spec: spec(100, 5_000, 1_000, 10_000) },
  { name: 'm', spec: spec(1_000, 50_000, 10_000, 10_000) },
  { name: 'l', spec: spec(10_000, 500_000, 100_000, 100_000) },
  { name: 'xl', spec: spec(100_000, 5_000_000, 1_000_000, 1_000_000) },
  { name: 'xxl', spec: spec(1_000_000, 50_000_000, 5_000_000, 1_000_000, 548), optIn: true },
];

const marker = (s: SeedSpec) =>
  `bench-seed v${GENERATOR_VERSION} users=${s.users} interactions=${s.interactions} content=${s.content} logs=${s.logs} seed=${s.seed} anchor=${s.anchor.toISOString()}${s.spanDays ? ` span=${s.spanDays}d` : ''}`;

/**
 * The dataset's database, created and seeded unless it already holds exactly this dataset (the
 * seed spec is kept as the database's comment). Only databases named <prefix>_<dataset> are touched;
 * each benchmark has its own prefix, so one never reseeds under another.
 */
export async function ensureDataset(
  adminUrl: string,
  ds: Dataset,
  log: (m: string) => void,
  prefix = 'creator_bench',
): Promise<{ url: string; seed: SeedReport | null }> {
  const name = `${prefix}_${ds.name}`;
  const url = withDatabase(adminUrl, name);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  let current: string | null = null;
  try {
    const r = await admin.query<{ c: string | null }>('SELECT shobj_description(oid, $2) AS c FROM pg_database WHERE datname = $1', [
      name,
      'pg_database',
    ]);
    if (!r.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
    else current = r.rows[0].c;
  } finally {
    await admin.end();
  }
  // Always: a dataset seeded before a new migration (an index) gets it here.
  await runMigrations(url, 'bench-migrations');
  if (current === marker(ds.spec)) {
    log(`dataset ${ds.name}: already seeded (${current})`);
    return { url, seed: null };
  }
  log(`dataset ${ds.name}: seeding ${marker(ds.spec)}`);
  const report = await seedDatabase(url, ds.spec);
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`COMMENT ON DATABASE "${name}" IS '${marker(ds.spec)}'`);
  await c.end();
  return { url, seed: report };
}
