/**
 * The end of the run: its spare clones stopped (test-db.ts); the databases of its files and its
 * template dropped, several at once, so that their checkpoints are shared (each DROP DATABASE waits
 * for one: 48 drops took 7.9 and 6.1 s eight at once, 4.5 and 5.2 s 24 at once, BENCHMARKS.md);
 * the start tests' initialised data folder (initdb-once.ts) removed; then the embedded PostgreSQL,
 * if the run started one, is stopped and its folder removed (nothing to drop there).
 */
import { Client } from 'pg';
import { removeInitdbOnce } from './initdb-once';
import { runDatabasePrefix } from './test-db';

/** How many DROP DATABASE statements run at once. */
const AT_ONCE = 16;

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_ADMIN_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  const run = process.env.TEST_RUN;
  await globalThis.__TEST_SPARES__?.stop();
  if (adminUrl && template && run && !globalThis.__TEST_EMBEDDED__) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    const prefix = runDatabasePrefix(run);
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname`,
      [prefix],
    );
    await admin.end();
    const names = rows.map((r) => r.datname);
    const drop = async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (let name = names.pop(); name; name = names.pop()) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, names.length) }, drop));
    const last = new Client({ connectionString: adminUrl });
    await last.connect();
    await last.query(`DROP DATABASE IF EXISTS "${template}"`);
    await last.end();
  }
  if (run) removeInitdbOnce(run);
  await globalThis.__TEST_EMBEDDED__?.stop();
}
