/**
 * The two statement shapes behind every connection: a root page (one keyset query, plus one
 * count when totalCount is selected) and per-parent pages for a whole batch of parents.
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/db';
import { Page, toPage } from '../graphql/connection';
import { afterSql, Cursor, encodeCursor, KeysetOrder, keyTextSql, orderBySql } from '../graphql/keyset';
import { Params } from '../graphql/sql-params';

export interface ListSpec {
  /** FROM clause with alias `t`, from code only. */
  from: string;
  /** SELECT list producing the GraphQL object's fields (aliases in camelCase). */
  columns: string;
  order: KeysetOrder;
}

type Row = Record<string, unknown> & { id: string; __k: string | null };

const whereSql = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

/**
 * A root connection: `filter(p)` returns the filter conditions (binding values through p).
 */
export async function rootPage<T>(
  db: Db,
  spec: ListSpec,
  args: { first: number; after: Cursor | null; filter: (p: Params) => string[] },
): Promise<Page<T>> {
  const p = new Params();
  const conds = args.filter(p);
  if (args.after) conds.push(afterSql(spec.order, args.after, p.add));
  const rows = await db.query<Row>(
    `SELECT ${spec.columns}, ${keyTextSql(spec.order)} AS __k FROM ${spec.from} ${whereSql(conds)}
     ORDER BY ${orderBySql(spec.order)} LIMIT ${p.add(args.first + 1)}`,
    p.values,
  );
  return toPage(rows, args.first, stripKey as (r: Row) => T, cursorOf, () => countRows(db, spec.from, args.filter));
}

async function countRows(db: Db, from: string, filter: (p: Params) => string[]): Promise<number> {
  const p = new Params();
  const row = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} ${whereSql(filter(p))}`, p.values);
  return row?.n ?? 0;
}

const cursorOf = (r: Row) => encodeCursor(r.__k, r.id);
function stripKey(r: Row): Record<string, unknown> {
  const { __k: _k, __parent: _p, ...rest } = r as Row & { __parent?: unknown };
  return rest;
}

export interface ChildPageKey {
  parentId: number;
  first: number;
  after: Cursor | null;
  /** Optional lower bound on the order key (e.g. interactions `since`). */
  since?: Date | null;
}

export interface ChildSpec extends ListSpec {
  parentColumn: string;
  parentCast: 'int4' | 'int8';
  /** Column compared with `since`, when the connection has one. */
  sinceColumn?: string;
}

/**
 * Per-parent first-N pages for every parent of a request in one statement per distinct
 * (first, since, with/without cursor): parents are unnested from arrays and each takes its own
 * N+1 rows through a LATERAL subquery. With the (parent, key) index this reads N+1 index entries
 * per parent; a ROW_NUMBER() window over the same rows would read and sort every row of every
 * parent first, which on a busy user (thousands of interactions) is orders of magnitude more work.
 */
export function childPageLoader<T>(db: Db, spec: ChildSpec, batch = true): DataLoader<ChildPageKey, Page<T>, string> {
  const counts = childCountLoader(db, spec, batch);
  return new DataLoader<ChildPageKey, Page<T>, string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const k of keys) {
        const g = `${k.first}|${k.since?.getTime() ?? ''}|${k.after ? 1 : 0}`;
        (groups.get(g) ?? groups.set(g, []).get(g)!).push(k);
      }
      const results = new Map<ChildPageKey, Page<T>>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const { first, since, after } = group[0];
          const p = new Params();
          const parents = p.add(group.map((k) => k.parentId));
          const conds = [`${spec.parentColumn} = x.parent_id`];
          if (since && spec.sinceColumn) conds.push(`${spec.sinceColumn} >= ${p.add(since)}`);
          let from = `unnest(${parents}::${spec.parentCast}[]) WITH ORDINALITY AS x(parent_id, ord)`;
          if (after) {
            const keysArr = p.add(group.map((k) => k.after?.key ?? null));
            const idsArr = p.add(group.map((k) => k.after?.id ?? 0));
            from = `unnest(${parents}::${spec.parentCast}[], ${keysArr}::text[], ${idsArr}::int8[]) WITH ORDINALITY AS x(parent_id, ck, cid, ord)`;
            // Child orders have non-null keys (timestamps), so the row comparison is the whole rule.
            const cmp = spec.order.desc ? '<' : '>';
            conds.push(`(${spec.order.key}, ${spec.order.id}) ${cmp} (x.ck::${spec.order.keyCast}, x.cid)`);
          }
          const rows = await db.query<Row & { __ord: number }>(
            `SELECT x.ord AS __ord, c.* FROM ${from}
             CROSS JOIN LATERAL (
               SELECT ${spec.columns}, ${keyTextSql(spec.order)} AS __k FROM ${spec.from}
               WHERE ${conds.join(' AND ')}
               ORDER BY ${orderBySql(spec.order)} LIMIT ${p.add(first + 1)}
             ) c`,
            p.values,
          );
          const byOrd = new Map<number, Row[]>();
          for (const r of rows) (byOrd.get(Number(r.__ord)) ?? byOrd.set(Number(r.__ord), []).get(Number(r.__ord))!).push(r);
          group.forEach((k, i) => {
            const mine = (byOrd.get(i + 1) ?? []).map((r) => {
              delete (r as Partial<typeof r>).__ord;
              return r;
            });
            results.set(k, toPage(mine, first, stripKey as (r: Row) => T, cursorOf, () => counts.load({ parentId: k.parentId, since: k.since ?? null })));
          });
        }),
      );
      return keys.map((k) => results.get(k)!);
    },
    { batch, cacheKeyFn: (k) => `${k.parentId}|${k.first}|${k.since?.getTime() ?? ''}|${k.after ? `${k.after.key}|${k.after.id}` : ''}` },
  );
}

/** Per-parent totalCount: one GROUP BY for all parents of a request. */
export function childCountLoader(db: Db, spec: ChildSpec, batch = true): DataLoader<{ parentId: number; since: Date | null }, number, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<number | null, number[]>();
      for (const k of keys) {
        const g = k.since?.getTime() ?? null;
        (groups.get(g) ?? groups.set(g, []).get(g)!).push(k.parentId);
      }
      const counts = new Map<string, number>();
      await Promise.all(
        [...groups.entries()].map(async ([since, ids]) => {
          const p = new Params();
          const conds = [`${spec.parentColumn} = ANY(${p.add(ids)}::${spec.parentCast}[])`];
          if (since !== null && spec.sinceColumn) conds.push(`${spec.sinceColumn} >= ${p.add(new Date(since))}`);
          const rows = await db.query<{ parent: number; n: number }>(
            `SELECT ${spec.parentColumn} AS parent, count(*)::int AS n FROM ${spec.from} WHERE ${conds.join(' AND ')} GROUP BY 1`,
            p.values,
          );
          for (const r of rows) counts.set(`${r.parent}|${since ?? ''}`, r.n);
        }),
      );
      return keys.map((k) => counts.get(`${k.parentId}|${k.since?.getTime() ?? ''}`) ?? 0);
    },
    { batch, cacheKeyFn: (k) => `${k.parentId}|${k.since?.getTime() ?? ''}` },
  );
}
