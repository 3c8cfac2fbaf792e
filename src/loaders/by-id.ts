import DataLoader from 'dataloader';
import type { Db } from '../db/db';
import { INT4_MAX } from '../db/sql/params';

/**
 * Rows by primary key: one `= ANY($1)` statement per batch (`= $1` for one id), answered in key order with null for
 * unknown ids. Ids above the column's range cannot exist and never reach SQL.
 */
export function byIdLoader<T>(db: Db, from: string, columns: string, cast: 'int4' | 'int8', batch = true): DataLoader<number, T | null> {
  return new DataLoader<number, T | null>(
    async (ids) => {
      const wanted = cast === 'int4' ? ids.filter((id) => id <= INT4_MAX) : [...ids];
      const map = new Map<string, T>();
      if (wanted.length) {
        // One id binds a scalar, whose generic plan PostgreSQL keeps (docs/architecture.md "Loaders").
        const [where, params] = wanted.length === 1 ? [`t.id = $1::${cast}`, wanted] : [`t.id = ANY($1::${cast}[])`, [wanted]];
        const rows = await db.query<T & { id: string }>(`SELECT ${columns} FROM ${from} WHERE ${where}`, params, { prepare: true });
        for (const r of rows) map.set(r.id, r);
      }
      return ids.map((id) => map.get(String(id)) ?? null);
    },
    { batch },
  );
}

/** Rows grouped by a parent key (a short list per parent, capped), one statement per batch. */
export function byParentLoader<T>(
  db: Db,
  sql: { from: string; columns: string; parentColumn: string; orderBy: string; cast: 'int4' | 'int8'; cap: number },
  batch = true,
): DataLoader<number, T[]> {
  return new DataLoader<number, T[]>(
    async (parentIds) => {
      const rows = await db.query<T & { __parent: number }>(
        `SELECT * FROM (
         SELECT ${sql.columns}, ${sql.parentColumn} AS __parent,
                row_number() OVER (PARTITION BY ${sql.parentColumn} ORDER BY ${sql.orderBy}) AS __rn
         FROM ${sql.from} WHERE ${sql.parentColumn} = ANY($1::${sql.cast}[])
       ) s WHERE s.__rn <= $2 ORDER BY s.__parent, s.__rn`,
        [parentIds, sql.cap],
      );
      const map = new Map<number, T[]>();
      for (const r of rows) {
        const { __parent, __rn: _rn, ...rest } = r as T & { __parent: number; __rn: number };
        (map.get(__parent) ?? map.set(__parent, []).get(__parent)!).push(rest as T);
      }
      return parentIds.map((id) => map.get(id) ?? []);
    },
    { batch },
  );
}
