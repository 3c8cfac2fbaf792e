/**
 * The two statement shapes behind every connection: a root page (one keyset query, plus one
 * count when totalCount is selected) and per-parent pages for a whole batch of parents.
 */
import type { Db } from '../db';
import { afterSql, Cursor, encodeCursor, KeysetOrder, keyTextSql, orderBySql } from './keyset';
import { Params } from './params';

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A Relay connection's data; `totalCount` is a thunk, so an unselected count costs no SQL. */
export interface Page<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: () => Promise<number> | number;
}

export interface ListSpec {
  /** FROM clause with alias `t`, from code only. */
  from: string;
  /** SELECT list producing the GraphQL object's fields (aliases in camelCase). */
  columns: string;
  order: KeysetOrder;
}

/**
 * A to-one relation folded into a root page's statement (docs/architecture.md, "Loaders"): one row
 * by primary key, LEFT JOIN LATERAL, so a chain such as content -> plan -> insight costs the page's
 * one statement instead of one per level. The joined row (or null) lands on its parent row's `as`.
 */
export interface ToOneJoin {
  as: string;
  /** FROM with alias `t` and the SELECT list from alias `t` (a module's COLUMNS), from code only. */
  from: string;
  columns: string;
  /** The parent's key: an expression on the root's alias `t` for the first join, else the previous join's output column (quoted). */
  parentKey: string;
}

/** A row as the page statements select it: the object's columns plus its sort key's text. */
export type KeyedRow = Record<string, unknown> & { id: string; __k: string | null };

const whereSql = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

/**
 * A page from up to first + 1 rows (the extra row only says there is a next page). The rows are the
 * nodes as they are (each keeps its sort key's text in `__k`, which no GraphQL field reads): no copy
 * per row. Edges and cursors are built only when read: a `nodes { ... }` selection never pays for them.
 */
export function pageOf<T>(rows: KeyedRow[], first: number, totalCount: () => Promise<number> | number): Page<T> {
  const hasNextPage = rows.length > first;
  const kept = hasNextPage ? rows.slice(0, first) : rows;
  const cursorOf = (r: KeyedRow) => encodeCursor(r.__k, r.id);
  let edges: Edge<T>[] | undefined;
  return {
    get edges() {
      return (edges ??= kept.map((r) => ({
        get cursor() {
          return cursorOf(r);
        },
        node: r as unknown as T,
      })));
    },
    nodes: kept as unknown as T[],
    pageInfo: {
      hasNextPage,
      get endCursor() {
        return kept.length ? cursorOf(kept[kept.length - 1]) : null;
      },
    },
    totalCount,
  };
}

/**
 * A root connection: `filter(p)` returns the filter conditions (binding values through p).
 */
export async function rootPage<T>(
  db: Db,
  spec: ListSpec,
  args: { first: number; after: Cursor | null; filter: (p: Params) => string[]; joins?: ToOneJoin[] },
): Promise<Page<T>> {
  const p = new Params();
  const conds = args.filter(p);
  if (args.after) conds.push(afterSql(spec.order, args.after, p.add));
  const tail = `${whereSql(conds)} ORDER BY ${orderBySql(spec.order)} LIMIT ${p.add(args.first + 1)}`;
  const rows = args.joins?.length
    ? await joinedRows(db, spec, args.joins, tail, p.values)
    : await db.query<KeyedRow>(`SELECT ${spec.columns}, ${keyTextSql(spec.order)} AS __k FROM ${spec.from} ${tail}`, p.values, {
        prepare: true,
      });
  return pageOf<T>(rows, args.first, () => countRows(db, spec.from, args.filter));
}

/**
 * The page's rows with each join's row on its parent. The joins repeat column names (every row has
 * an `id`), so the rows come as arrays and are cut at the `__j<n>` marker columns.
 */
async function joinedRows(db: Db, spec: ListSpec, joins: ToOneJoin[], tail: string, values: unknown[]): Promise<KeyedRow[]> {
  let select = `SELECT ${spec.columns}, ${keyTextSql(spec.order)} AS __k`;
  let from = `${spec.from} CROSS JOIN LATERAL (SELECT ${joins[0].parentKey} AS k) j_key`;
  joins.forEach((j, i) => {
    select += `, NULL AS __j${i}, j${i}.*`;
    const parentKey = i === 0 ? 'j_key.k' : `j${i - 1}.${joins[i].parentKey}`;
    from += ` LEFT JOIN LATERAL (SELECT ${j.columns} FROM ${j.from} WHERE t.id = ${parentKey}) j${i} ON true`;
  });
  const { names, rows } = await db.queryArrays(`${select} FROM ${from} ${tail}`, values, { prepare: true });
  const cuts = joins.map((_, i) => names.indexOf(`__j${i}`));
  const segments = cuts.map((start, i) => ({ start: start + 1, end: i + 1 < cuts.length ? cuts[i + 1] : names.length }));
  const idAt = segments.map((s) => names.indexOf('id', s.start));
  return rows.map((values) => {
    const root = objectOf(names, values, 0, cuts[0]) as KeyedRow;
    let parent: Record<string, unknown> = root;
    for (let i = 0; i < joins.length; i++) {
      const row = values[idAt[i]] === null ? null : objectOf(names, values, segments[i].start, segments[i].end);
      parent[joins[i].as] = row;
      if (!row) break;
      parent = row;
    }
    return root;
  });
}

function objectOf(names: string[], values: unknown[], start: number, end: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = start; i < end; i++) o[names[i]] = values[i];
  return o;
}

async function countRows(db: Db, from: string, filter: (p: Params) => string[]): Promise<number> {
  const p = new Params();
  const row = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} ${whereSql(filter(p))}`, p.values);
  return row?.n ?? 0;
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
 * Per-parent first-N rows for parents that share first, since and whether they have a cursor, in
 * one statement: parents are unnested from arrays and each takes its own N+1 rows through a LATERAL
 * subquery. With the (parent, key) index this reads N+1 index entries per parent; a ROW_NUMBER()
 * window over the same rows would read and sort every row of every parent first, which on a busy
 * user (thousands of interactions) is orders of magnitude more work. Rows come back per key, in key order.
 */
export async function childPageRows(db: Db, spec: ChildSpec, group: ChildPageKey[]): Promise<KeyedRow[][]> {
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
  const rows = await db.query<KeyedRow & { __ord?: number }>(
    `SELECT x.ord AS __ord, c.* FROM ${from}
     CROSS JOIN LATERAL (
       SELECT ${spec.columns}, ${keyTextSql(spec.order)} AS __k FROM ${spec.from}
       WHERE ${conds.join(' AND ')}
       ORDER BY ${orderBySql(spec.order)} LIMIT ${p.add(first + 1)}
     ) c`,
    p.values,
    { prepare: true },
  );
  const perKey: KeyedRow[][] = group.map(() => []);
  for (const r of rows) {
    const ord = Number(r.__ord);
    delete r.__ord;
    perKey[ord - 1].push(r);
  }
  return perKey;
}

/** Per-parent row counts for parents that share `since`: one GROUP BY. */
export async function childCounts(db: Db, spec: ChildSpec, parentIds: number[], since: Date | null): Promise<Map<number, number>> {
  const p = new Params();
  const conds = [`${spec.parentColumn} = ANY(${p.add(parentIds)}::${spec.parentCast}[])`];
  if (since !== null && spec.sinceColumn) conds.push(`${spec.sinceColumn} >= ${p.add(since)}`);
  const rows = await db.query<{ parent: number; n: number }>(
    `SELECT ${spec.parentColumn} AS parent, count(*)::int AS n FROM ${spec.from} WHERE ${conds.join(' AND ')} GROUP BY 1`,
    p.values,
  );
  return new Map(rows.map((r) => [Number(r.parent), r.n]));
}
