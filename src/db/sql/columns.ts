import type { SelectionTree } from '../../graphql/selection';

/**
 * A GraphQL object's SELECT list from alias `t`, by output name (a field of the object or a key that
 * only a relation's resolver reads), each with its SQL expression. From code only.
 */
export type ColumnMap = Readonly<Record<string, string>>;

const item = (map: ColumnMap, name: string) => `${map[name]} AS "${name}"`;

/** Every column of the map: the object whole (loaders, RETURNING, pages whose selection is not read). */
export function allColumnsSql(map: ColumnMap): string {
  return Object.keys(map)
    .map((name) => item(map, name))
    .join(', ');
}

/** The SELECT lists made for each selection tree, per map and keys (each a module's constant). */
const lists = new WeakMap<SelectionTree, Map<ColumnMap, Map<readonly string[], string>>>();

/**
 * Only the columns a selection asks for, plus `keys` (ids and the keys relations resolve by, always
 * selected: they are cheap and a relation's resolver needs them whatever else is asked). Unread
 * columns cost PostgreSQL their expressions and the server their parsing (a timestamp is parsed into
 * a Date) and their memory, per row. `fields` undefined: every column. The map's order is kept, so
 * one selection always gives one text (one prepared statement, src/db/db.ts).
 */
export function selectedColumnsSql(map: ColumnMap, fields: SelectionTree | undefined, keys: readonly string[]): string {
  if (!fields) return allColumnsSql(map);
  // A selection's tree is kept per document (src/graphql/selection.ts): so is its SELECT list.
  let byMap = lists.get(fields);
  if (!byMap) lists.set(fields, (byMap = new Map()));
  let byKeys = byMap.get(map);
  if (!byKeys) byMap.set(map, (byKeys = new Map()));
  let sql = byKeys.get(keys);
  if (sql === undefined) {
    sql = Object.keys(map)
      .filter((name) => keys.includes(name) || fields.has(name))
      .map((name) => item(map, name))
      .join(', ');
    byKeys.set(keys, sql);
  }
  return sql;
}
