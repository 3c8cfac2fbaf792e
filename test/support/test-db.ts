/**
 * A fresh database for one test file, cloned from the migrated template (global-setup.ts). Its name,
 * URL and pool exist at once (the pool connects on first use); create() makes the database and
 * close() ends the pool and waits until each of its connections is closed. The database itself is
 * dropped at the end of the run, with every other one of the run (global-teardown.ts): a DROP
 * DATABASE makes PostgreSQL write a checkpoint of everything, 1-3 s that a file would wait for
 * (README.md "Tests"). Only databases of this run are ever dropped: their names start with
 * `runDatabasePrefix()`.
 */
import { Client, Pool } from 'pg';
import { withDatabase } from '../../src/db/url';

export interface TestDb {
  url: string;
  name: string;
  /** The test's own connections, for fixtures and checks behind the API's back. */
  pool: Pool;
}

/** The start of the name of every database the files of this run clone (TEST_RUN: set by global setup). */
export const runDatabasePrefix = (run = process.env.TEST_RUN!): string => `creator_t_${run}_`;

export function testDb(label: string): TestDb & { create(): Promise<void>; close(): Promise<void> } {
  const adminUrl = process.env.TEST_ADMIN_URL!;
  const template = process.env.TEST_TEMPLATE_DB!;
  const name = `${runDatabasePrefix()}${label.replace(/\W/g, '_').slice(0, 20)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = withDatabase(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: 4 });
  return {
    url,
    name,
    pool,
    async create() {
      for (let attempt = 0; ; attempt++) {
        try {
          return await admin(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        } catch (err) {
          // Two files cloning at the same instant: "source database is being accessed by other users".
          if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
    },
    close: () => endPool(pool),
  };
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * pool.end() resolves once the pool has let go of its clients, before their connections have
 * closed; the DROP ... WITH (FORCE) of the run's end would terminate one still there mid-goodbye
 * (57P01, an 'error' on the pool). This waits for every connection to be closed.
 */
async function endPool(pool: Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => --open === 0 && resolve());
  });
  await pool.end();
  await closed;
}
