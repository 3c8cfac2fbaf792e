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
 * A page's `LIMIT size + 1`, written into the text, not bound: with `LIMIT $n` PostgreSQL costs the
 * prepared statement's generic plan as if the LIMIT kept a tenth of the rows it limits, and when
 * that is more than size + 1 it never prefers that plan to a custom one, so it plans the statement
 * again on every execution (docs/architecture.md, "Loaders", the prepared statements). size is an
 * integer 0..100 (src/graphql/args.ts); the check keeps anything else out of the text.
 */
function limitSql(size: number): string {
  if (!Number.isInteger(size) || size < 0) throw new Error(`page size must be a non-negative integer, got ${size}`);
  return `LIMIT ${size + 1}`;
}

/**
 * A page from up to size + 1 rows read in the window's direction (the extra row only says that more
 * rows lie that way), returned in the field's order. `beyond`: whether a row exists on the other side
 * of the cursor (the cursor's own row included), which gives the other flag of pageInfo; false
 * without a cursor, where the page starts at an end of the list. The rows are the nodes as they are
 * (each keeps its sort key's text in `__k`, which no GraphQL field reads): no copy per row. Edges and
 * cursors are built only when read: a `nodes { ... }` selection never pays for them.
 */
export function pageOf<T>(rows: KeyedRow[], w: PageWindow, beyond: boolean, totalCount: () => Promise<number> | number): Page<T> {
  const more = rows.length > w.size;
  const kept = more ? rows.slice(0, w.size) : rows;
  if (w.backward) kept.reverse();
  const cursorOf = (r: KeyedRow) => {
    // A page read with `cursors: false` (rootPage) has no sort keys: its selection reads no cursor.
    if (r.__k === undefined) throw new Error('a cursor of a page read without its sort keys');
    return encodeCursor(r.__k, r.id);
  };
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

/**
 * Whether a row exists behind the page (the other side of its cursor): the nearest such row, read
 * through the order's index in the direction away from the page. Not EXISTS: PostgreSQL drops the
 * ORDER BY of an EXISTS and may then pick a sequential scan that meets the matching rows last.
 */
function probeSql(from: string, conds: string[], order: KeysetOrder, backward: boolean): string {
  return `coalesce((SELECT true FROM ${from} ${whereSql(conds)} ORDER BY ${orderBySql(order, !backward)} LIMIT 1), false)`;
}

/**
 * A root connection: `filter(p)` returns the filter conditions (binding values through p); `joins`
 * the to-one relations the selection asks for, folded in. One statement: with a cursor, a one-row
 * probe of the other side of it rides along (LEFT JOIN LATERAL on a one-row subquery), so both
 * pageInfo flags are exact without a second round trip; without one, nothing lies behind the page
 * and the statement is the page's SELECT alone. `cursors: false` (the selection reads no cursor,
 * src/graphql/selection.ts `readsCursors`): the rows come without their sort key's text.
 */
export async function rootPage<T>(
  db: Db,
  spec: ListSpec,
  args: PageWindow & { filter: (p: Params) => string[]; joins?: ToOneJoin[]; cursors?: boolean },
): Promise<Page<T>> {
  const { order } = spec;
  const p = new Params();
  const conds = args.filter(p);
  let probe = 'false';
  if (args.cursor) {
    const other = [...args.filter(p), boundSql(order, args.cursor, args.backward ? 'after' : 'before', p.add, true)];
    probe = probeSql(spec.from, other, order, args.backward);
    conds.push(boundSql(order, args.cursor, args.backward ? 'before' : 'after', p.add));
  }
  const tail = `${whereSql(conds)} ORDER BY ${orderBySql(order, args.backward)} ${limitSql(args.size)}`;
  const page = (select: string) =>
    args.cursor ? `SELECT b.beyond AS __beyond, r.* FROM (SELECT ${probe} AS beyond) b LEFT JOIN LATERAL (${select}) r ON true` : select;
  const select = `SELECT ${spec.columns}${args.cursors === false ? '' : `, ${keyTextSql(order)} AS __k`}`;
  let beyond = false;
  let found: KeyedRow[];
  if (args.joins?.length) {
    ({ beyond, rows: found } = await joinedRows(db, spec, args.joins, select, tail, p.values, page, args.cursor !== null));
  } else {
    const rows = await db.query<KeyedRow & { __beyond?: boolean }>(page(`${select} FROM ${spec.from} ${tail}`), p.values, {
      prepare: true,
    });
    if (args.cursor) {
      beyond = rows[0]?.__beyond === true;
      found = rows.filter((r) => r.id !== null).map(({ __beyond: _b, ...r }) => r as KeyedRow);
    } else found = rows;
  }
  return pageOf<T>(found, args, beyond, () => countRows(db, spec.from, args.filter));
}

/**
 * The page's rows with each join's row on its parent. The joins repeat column names (every row has
 * an `id`), so the rows come as arrays and are cut at the `__j<n>` marker columns. `probed`: the
 * statement is the probe's (column 0 is __beyond, and an empty page one row of NULLs after it).
 */
async function joinedRows(
  db: Db,
  spec: ListSpec,
  joins: ToOneJoin[],
  rootSelect: string,
  tail: string,
  values: unknown[],
  page: (select: string) => string,
  probed: boolean,
): Promise<{ beyond: boolean; rows: KeyedRow[] }> {
  let select = rootSelect;
  let from = `${spec.from} CROSS JOIN LATERAL (SELECT ${joins[0].parentKey} AS k) j_key`;
  joins.forEach((j, i) => {
    select += `, NULL AS __j${i}, j${i}.*`;
    const parentKey = i === 0 ? 'j_key.k' : `j${i - 1}.${joins[i].parentKey}`;
    from += ` LEFT JOIN LATERAL (SELECT ${j.columns} FROM ${j.from} WHERE t.id = ${parentKey}) j${i} ON true`;
  });
  const { names, rows } = await db.queryArrays(page(`${select} FROM ${from} ${tail}`), values, { prepare: true });
  const first = probed ? 1 : 0;
  const beyond = probed && rows[0]?.[0] === true;
  const rootId = names.indexOf('id', first);
  const cuts = joins.map((_, i) => names.indexOf(`__j${i}`));
  const segments = cuts.map((start, i) => ({ start: start + 1, end: i + 1 < cuts.length ? cuts[i + 1] : names.length }));
  const idAt = segments.map((s) => names.indexOf('id', s.start));
  const found = rows
    .filter((values) => values[rootId] !== null)
    .map((values) => {
      const root = objectOf(names, values, first, cuts[0]) as KeyedRow;
      let parent: Record<string, unknown> = root;
      for (let i = 0; i < joins.length; i++) {
        const row = values[idAt[i]] === null ? null : objectOf(names, values, segments[i].start, segments[i].end);
        parent[joins[i].as] = row;
        if (!row) break;
        parent = row;
      }
      return root;
    });
  return { beyond, rows: found };
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
  // One parent (a detail read) binds scalars: PostgreSQL estimates a VALUES row as one row, so the
  // generic plan is kept; an array's unnest is costed as 100 rows and the generic plan lost to a
  // custom one on every execution (docs/architecture.md "Loaders").
  const single = group.length === 1;
  const parents = single ? p.add(group[0].parentId) : p.add(group.map((k) => k.parentId));
  const conds = [`${spec.parentColumn} = x.parent_id`];
  if (since && spec.sinceColumn) conds.push(`${spec.sinceColumn} >= ${p.add(since)}`);
  let from = single
    ? `(VALUES (${parents}::${spec.parentCast}, 1::int8)) AS x(parent_id, ord)`
    : `unnest(${parents}::${spec.parentCast}[]) WITH ORDINALITY AS x(parent_id, ord)`;
  let probe = 'false';
  if (cursor) {
    if (single) {
      const [key, id] = [p.add(cursor.key), p.add(cursor.id)];
      from = `(VALUES (${parents}::${spec.parentCast}, ${key}::text, ${id}::int8, 1::int8)) AS x(parent_id, ck, cid, ord)`;
    } else {
      const keysArr = p.add(group.map((k) => k.cursor?.key ?? null));
      const idsArr = p.add(group.map((k) => k.cursor?.id ?? 0));
      from = `unnest(${parents}::${spec.parentCast}[], ${keysArr}::text[], ${idsArr}::int8[]) WITH ORDINALITY AS x(parent_id, ck, cid, ord)`;
    }
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
       ORDER BY ${orderBySql(order, backward)} ${limitSql(size)}
     ) c ON true`,
    p.values,
    { prepare: true },
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
