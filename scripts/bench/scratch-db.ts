/**
 * A database of a benchmark's own on DATABASE_URL's server, created empty and dropped by drop().
 * With `keep` (a name), that database instead: created when missing, never dropped (`fresh` tells
 * whether it was just created), so a long load is done once for several runs.
 */
import { Client } from 'pg';
import { withDatabase } from '../../src/db/url';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Created by this call (always, without `keep`). */
  fresh: boolean;
  drop(): Promise<void>;
}

export async function scratchDatabase(label: string, keep?: string): Promise<ScratchDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL must name a PostgreSQL server (the benchmark creates and drops its own database there)');
  const name = keep ?? `${label}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = keep ? (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [keep])).rowCount! > 0 : false;
  if (!exists) await admin.query(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    fresh: !exists,
    async drop() {
      if (keep) return void (await admin.end());
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
