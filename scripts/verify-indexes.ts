/**
 * `npm run db:verify-indexes`: prints the indexes of the large tables, the way the original design
 * checked them, then each contract index's size and whether the planner uses it for its query
 * (EXPLAIN). Exits 1 when a contract index is missing or has other columns, or when any index of
 * these tables is INVALID (left by an interrupted CREATE INDEX CONCURRENTLY).
 */
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { CONTRACT_INDEXES, hasContractColumns, LARGE_TABLES } from '../src/db/contract-indexes';
import { EMBEDDED_DATABASE, embeddedUrl } from '../src/db/embedded';

interface IndexRow {
  tablename: string;
  indexname: string;
  indexdef: string;
  valid: boolean;
  bytes: string;
  size: string;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const url = config.databaseUrl ?? embeddedUrl(config.embeddedPort, EMBEDDED_DATABASE);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<IndexRow>(
      `SELECT t.relname AS tablename, c.relname AS indexname, pg_get_indexdef(i.indexrelid) AS indexdef, i.indisvalid AS valid,
              s.bytes, pg_size_pretty(s.bytes) AS size
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       -- a partitioned index (user_interactions) has no storage: its size is its partitions' indexes'
       CROSS JOIN LATERAL (SELECT coalesce(sum(pg_relation_size(p.relid)), pg_relation_size(i.indexrelid)) AS bytes FROM pg_partition_tree(i.indexrelid) p) s
       WHERE n.nspname = current_schema() AND t.relname = ANY($1)
       ORDER BY t.relname, c.relname`,
      [LARGE_TABLES],
    );
    const width = Math.max(...rows.map((r) => r.indexname.length), 9);
    console.log(`${'indexname'.padEnd(width)}  indexdef`);
    for (const r of rows) console.log(`${r.indexname.padEnd(width)}  ${r.indexdef}${r.valid ? '' : '  [INVALID]'}`);

    let problems = 0;
    for (const r of rows.filter((row) => !row.valid)) {
      console.error(
        `INVALID  ${r.indexname} on ${r.tablename}: an interrupted CREATE INDEX CONCURRENTLY left it (unused by queries, still written); ` +
          `fix: REINDEX INDEX CONCURRENTLY "${r.indexname}"`,
      );
      problems++;
    }
    console.log('');
    console.log(`${'contract index'.padEnd(width)}  ${'size'.padStart(10)}  planner`);
    for (const idx of CONTRACT_INDEXES) {
      const found = rows.find((r) => r.indexname === idx.name);
      const expected = `ON public.${idx.table} USING btree (${idx.columns.join(', ')})`;
      if (!found) {
        console.error(`MISSING  ${idx.name} on ${idx.table} (${idx.columns.join(', ')})`);
        problems++;
        continue;
      }
      if (!hasContractColumns(found.indexdef, idx)) {
        console.error(`WRONG    ${idx.name}: expected "${expected}", found "${found.indexdef}"`);
        problems++;
      }
      const used = await plannerIndexes(client, idx.query);
      const verdict = used.includes(idx.name)
        ? 'uses it'
        : `does not use it (${used.length ? `uses ${used.join(', ')}` : 'sequential scan'}; expected on a small table)`;
      console.log(`${idx.name.padEnd(width)}  ${found.size.padStart(10)}  ${verdict} for: ${idx.query}`);
    }
    console.log(
      problems === 0
        ? `ok: all ${CONTRACT_INDEXES.length} contract indexes are present and every index is valid`
        : `${problems} index problem(s)`,
    );
    return problems === 0 ? 0 : 1;
  } finally {
    await client.end();
  }
}

/** The index names in the plan EXPLAIN chooses for `sql` (a partition's index by its partitioned index's name). */
async function plannerIndexes(client: Client, sql: string): Promise<string[]> {
  const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`);
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const rec = node as Record<string, unknown>;
    if (typeof rec['Index Name'] === 'string') names.push(rec['Index Name']);
    for (const value of Object.values(rec)) (Array.isArray(value) ? value : [value]).forEach(walk);
  };
  walk(rows[0]['QUERY PLAN']);
  const roots = await client.query<{ name: string }>(
    `SELECT coalesce((SELECT c.relname FROM pg_class c WHERE c.oid = pg_partition_root(to_regclass(n))), n) AS name FROM unnest($1::text[]) n`,
    [names],
  );
  return [...new Set(roots.rows.map((r) => r.name))];
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
