/**
 * Bulk loading: one transaction that drops the secondary indexes and foreign keys of the eight
 * tables (their exact definitions are read from the catalog first), truncates, streams every table
 * through COPY ... FREEZE (rows land frozen and all-visible: no hint-bit writes or VACUUM pass on
 * first read), then recreates every dropped index and constraint from the saved definitions, so
 * the end state is exactly what the migrations built.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Progress } from './progress';

import { TABLES } from '../../src/db/tables';

export { TABLES };

interface Ddl {
  name: string;
  table: string;
  create: string;
  drop: string;
}

/** Secondary indexes and foreign keys of the tables; primary keys and unique constraints stay. */
export async function droppableDdl(client: Client): Promise<{ indexes: Ddl[]; foreignKeys: Ddl[] }> {
  const idx = await client.query<{ name: string; table: string; def: string }>(
    `SELECT ci.relname AS name, ct.relname AS "table", pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = ct.relnamespace
     WHERE n.nspname = 'public' AND ct.relname = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 2, 1`,
    [TABLES],
  );
  const fks = await client.query<{ name: string; table: string; def: string }>(
    `SELECT c.conname AS name, ct.relname AS "table", pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c JOIN pg_class ct ON ct.oid = c.conrelid JOIN pg_namespace n ON n.oid = ct.relnamespace
     WHERE n.nspname = 'public' AND ct.relname = ANY($1) AND c.contype = 'f' ORDER BY 2, 1`,
    [TABLES],
  );
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return {
    // A partitioned table's index reads `ON ONLY` (the parent alone); recreated without it, it is
    // built on every partition again.
    indexes: idx.rows.map((r) => ({
      name: r.name,
      table: r.table,
      create: r.def.replace(' ON ONLY ', ' ON '),
      drop: `DROP INDEX ${q(r.name)}`,
    })),
    foreignKeys: fks.rows.map((r) => ({
      name: r.name,
      table: r.table,
      create: `ALTER TABLE ${q(r.table)} ADD CONSTRAINT ${q(r.name)} ${r.def}`,
      drop: `ALTER TABLE ${q(r.table)} DROP CONSTRAINT ${q(r.name)}`,
    })),
  };
}

/** Joins generated lines into ~256 KB chunks: one stream write per chunk, not per row. */
async function* chunks(lines: Iterable<string>, progress: Progress): AsyncGenerator<string> {
  let buf = '';
  let rows = 0;
  for (const line of lines) {
    buf += line;
    rows++;
    if (buf.length >= 262_144) {
      yield buf;
      progress.add(rows);
      buf = '';
      rows = 0;
    }
  }
  if (buf) yield buf;
  progress.add(rows);
}

export async function copyRows(
  client: Client,
  table: string,
  columns: string[],
  lines: Iterable<string>,
  progress: Progress,
  freeze: boolean,
) {
  progress.stage(table);
  const sql = `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`;
  await pipeline(Readable.from(chunks(lines, progress)), client.query(copyFrom(sql)));
}

/** Identity columns continue after the loaded ids. */
export async function resetIdentities(client: Client) {
  for (const t of TABLES) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM ${t}), 0) + 1, false)`, [t]);
  }
}
