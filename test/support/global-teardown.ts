/**
 * The end of the run: the databases of its files (test-db.ts) and its template dropped, several at
 * once, so that their checkpoints are shared (each DROP DATABASE waits for one); then the embedded
 * PostgreSQL, if the run started one, is stopped and its folder removed (nothing to drop there).
 */
import { Client } from 'pg';
import { runDatabasePrefix } from './test-db';

/** How many DROP DATABASE statements run at once. */
const AT_ONCE = 8;

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_ADMIN_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  const run = process.env.TEST_RUN;
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
  await globalThis.__TEST_EMBEDDED__?.stop();
}
