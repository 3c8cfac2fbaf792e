/**
 * The two statement shapes behind every connection: a root page (one keyset query, plus one
 * count when totalCount is selected) and per-parent pages for a whole batch of parents.
 */
import type { Db } from '../db';
import { boundSql, Cursor, encodeCursor, keyTextSql, orderBySql } from './keyset';
import type { KeysetOrder } from './keyset';
import { Params } from './params';

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A Relay connection's data; `totalCount` is a thunk, so an unselected count costs no SQL. */
export interface Page<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number> | number;
}

/**
 * Which rows a page holds (src/graphql/args.ts pageArgs): `size` rows after `cursor` in the order
 * (first/after), or, `backward`, the `size` rows just before it (last/before; no cursor: the end).
 */
export interface PageWindow {
  size: number;
  cursor: Cursor | null;
  backward: boolean;
}

export interface ListSpec {
  /** FROM clause with alias `t`, from code only. */
  from: string;
  /** SELECT list producing the GraphQL object's fields (aliases in camelCase). */
  columns: string;
  order: KeysetOrder;
}

/** A row as the page statements select it: the object's columns plus its sort key's text. */
export type KeyedRow = Record<string, unknown> & { id: string; __k: string | null };

const whereSql = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

/**
 * A page from up to size + 1 rows read in the window's direction (the extra row only says that more
 * rows lie that way), returned in the field's order. `beyond`: whether a row exists on the other side
 * of the cursor (the cursor's own row included), which gives the other flag of pageInfo; false
 * without a cursor, where the page starts at an end of the list. Cursors are encoded only when read:
 * a `nodes { ... }` selection never pays for them.
 */
export function pageOf<T>(rows: KeyedRow[], w: PageWindow, beyond: boolean, totalCount: () => Promise<number> | number): Page<T> {
  const more = rows.length > w.size;
  const kept = more ? rows.slice(0, w.size) : rows;
  if (w.backward) kept.reverse();
  const cursorOf = (r: KeyedRow) => encodeCursor(r.__k, r.id);
  const edges = kept.map((r) => ({
    get cursor() {
      return cursorOf(r);
    },
    node: withoutKey(r) as T,
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: w.backward ? beyond : more,
      hasPreviousPage: w.backward ? more : beyond,
      get startCursor() {
        return kept.length ? cursorOf(kept[0]) : null;
      },
      get endCursor() {
        return kept.length ? cursorOf(kept[kept.length - 1]) : null;
      },
    },
    totalCount,
  };
}

function withoutKey(r: KeyedRow): Record<string, unknown> {
  const { __k: _k, ...rest } = r;
  return rest;
}

/**
 * Whether a row exists behind the page (the other side of its cursor): the nearest such row, read
 * through the order's index in the direction away from the page. Not EXISTS: PostgreSQL drops the
 * ORDER BY of an EXISTS and may then pick a sequential scan that meets the matching rows last.
 */
function probeSql(from: string, conds: string[], order: KeysetOrder, backward: boolean): string {
  return `coalesce((SELECT true FROM ${from} ${whereSql(conds)} ORDER BY ${orderBySql(order, !backward)} LIMIT 1), false)`;
}

/**
 * A root connection: `filter(p)` returns the filter conditions (binding values through p). One
 * statement: with a cursor, a one-row probe of the other side of it rides along (LEFT JOIN LATERAL
 * on a one-row subquery), so both pageInfo flags are exact without a second round trip.
 */
export async function rootPage<T>(db: Db, spec: ListSpec, args: PageWindow & { filter: (p: Params) => string[] }): Promise<Page<T>> {
  const { order } = spec;
  const p = new Params();
  const conds = args.filter(p);
  let probe = 'false';
  if (args.cursor) {
    const other = [...args.filter(p), boundSql(order, args.cursor, args.backward ? 'after' : 'before', p.add, true)];
    probe = probeSql(spec.from, other, order, args.backward);
    conds.push(boundSql(order, args.cursor, args.backward ? 'before' : 'after', p.add));
  }
  const rows = await db.query<KeyedRow & { __beyond: boolean }>(
    `SELECT b.beyond AS __beyond, r.* FROM (SELECT ${probe} AS beyond) b
     LEFT JOIN LATERAL (
       SELECT ${spec.columns}, ${keyTextSql(order)} AS __k FROM ${spec.from} ${whereSql(conds)}
       ORDER BY ${orderBySql(order, args.backward)} LIMIT ${p.add(args.size + 1)}
     ) r ON true`,
    p.values,
  );
  const beyond = rows[0]?.__beyond === true;
  const found = rows.filter((r) => r.id !== null).map(({ __beyond: _b, ...r }) => r as KeyedRow);
  return pageOf<T>(found, args, beyond, () => countRows(db, spec.from, args.filter));
}

async function countRows(db: Db, from: string, filter: (p: Params) => string[]): Promise<number> {
  const p = new Params();
  const row = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} ${whereSql(filter(p))}`, p.values);
  return row?.n ?? 0;
}

export interface ChildPageKey extends PageWindow {
  parentId: number;
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
 * Per-parent pages for parents that share size, direction, since and whether they have a cursor, in
 * one statement: parents are unnested from arrays and each takes its own size + 1 rows through a
 * LATERAL subquery (backwards: the same index read the other way). With the (parent, key) index this
 * reads size + 1 index entries per parent; a ROW_NUMBER() window over the same rows would read and
 * sort every row of every parent first, which on a busy user (thousands of interactions) is orders of
 * magnitude more work. With cursors, each parent also probes one index entry on the other side of its
 * cursor (the other pageInfo flag). Rows come back per key, in reading order, with that flag.
 */
export async function childPageRows(db: Db, spec: ChildSpec, group: ChildPageKey[]): Promise<{ rows: KeyedRow[]; beyond: boolean }[]> {
  const { size, since, cursor, backward } = group[0];
  const { order } = spec;
  const p = new Params();
  const parents = p.add(group.map((k) => k.parentId));
  const conds = [`${spec.parentColumn} = x.parent_id`];
  if (since && spec.sinceColumn) conds.push(`${spec.sinceColumn} >= ${p.add(since)}`);
  let from = `unnest(${parents}::${spec.parentCast}[]) WITH ORDINALITY AS x(parent_id, ord)`;
  let probe = 'false';
  if (cursor) {
    const keysArr = p.add(group.map((k) => k.cursor?.key ?? null));
    const idsArr = p.add(group.map((k) => k.cursor?.id ?? 0));
    from = `unnest(${parents}::${spec.parentCast}[], ${keysArr}::text[], ${idsArr}::int8[]) WITH ORDINALITY AS x(parent_id, ck, cid, ord)`;
    // Child orders have non-null keys (timestamps), so the row comparison is the whole rule.
    const row = `(${order.key}, ${order.id})`;
    const at = `(x.ck::${order.keyCast}, x.cid)`;
    const ahead = order.desc !== backward ? '<' : '>';
    const behind = ahead === '<' ? '>=' : '<=';
    probe = probeSql(spec.from, [...conds, `${row} ${behind} ${at}`], order, backward);
    conds.push(`${row} ${ahead} ${at}`);
  }
  const rows = await db.query<KeyedRow & { __ord: number; __beyond: boolean }>(
    // The probe runs once per parent: the CTE is materialized, so it is never inlined into the row output.
    `WITH x AS MATERIALIZED (SELECT x.*, ${probe} AS beyond FROM ${from})
     SELECT x.ord AS __ord, x.beyond AS __beyond, c.* FROM x
     LEFT JOIN LATERAL (
       SELECT ${spec.columns}, ${keyTextSql(order)} AS __k FROM ${spec.from}
       WHERE ${conds.join(' AND ')}
       ORDER BY ${orderBySql(order, backward)} LIMIT ${p.add(size + 1)}
     ) c ON true`,
    p.values,
  );
  const perKey = group.map(() => ({ rows: [] as KeyedRow[], beyond: false }));
  for (const { __ord, __beyond, ...r } of rows) {
    const slot = perKey[Number(__ord) - 1];
    slot.beyond = __beyond === true;
    if (r.id !== null) slot.rows.push(r as KeyedRow);
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
