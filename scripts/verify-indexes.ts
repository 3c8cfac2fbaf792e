/**
 * `npm run db:verify-indexes`: prints the indexes of the three hot tables, the way the original
 * design checked them, and exits 1 when a contract index is missing or has other columns.
 */
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { CONTRACT_INDEXES } from '../src/db/contract-indexes';
import { EMBEDDED_DATABASE, embeddedUrl } from '../src/db/embedded';

async function main(): Promise<number> {
  const config = loadConfig();
  const url = config.databaseUrl ?? embeddedUrl(config.embeddedPort, EMBEDDED_DATABASE);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
      `SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE tablename IN ('user_interactions', 'published_content', 'community_users')
       ORDER BY tablename, indexname`,
    );
    const width = Math.max(...rows.map((r) => r.indexname.length), 9);
    console.log(`${'indexname'.padEnd(width)}  indexdef`);
    for (const r of rows) console.log(`${r.indexname.padEnd(width)}  ${r.indexdef}`);
    let missing = 0;
    for (const idx of CONTRACT_INDEXES) {
      const found = rows.find((r) => r.indexname === idx.name);
      const expected = `ON public.${idx.table} USING btree (${idx.columns.join(', ')})`;
      if (!found) {
        console.error(`MISSING  ${idx.name} on ${idx.table} (${idx.columns.join(', ')})`);
        missing++;
      } else if (!found.indexdef.includes(expected)) {
        console.error(`WRONG    ${idx.name}: expected "${expected}", found "${found.indexdef}"`);
        missing++;
      }
    }
    console.log(missing === 0 ? `ok: all ${CONTRACT_INDEXES.length} contract indexes are present` : `${missing} contract index problem(s)`);
    return missing === 0 ? 0 : 1;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
