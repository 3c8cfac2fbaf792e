import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/** The fields a selection asks for, by name (aliases merged), each with its own sub-selection. */
export type SelectionTree = Map<string, SelectionTree>;

/** A connection field's selection: its own fields (`top`) and its rows' (`nodes`). */
interface ConnectionSelection {
  top: SelectionTree;
  nodes: SelectionTree;
}

const trees = new WeakMap<FieldNode, ConnectionSelection>();

/**
 * What a connection field asks of its rows: the fields under `nodes` and `edges { node }`, merged,
 * through fragments and inline fragments. @skip/@include are not evaluated (a field they may drop
 * still counts: it only costs a few columns). Apollo reuses a document's AST between requests, so
 * the answer is kept per field node.
 */
export function connectionNodeFields(info: GraphQLResolveInfo): SelectionTree {
  return connectionSelection(info).nodes;
}

/**
 * Whether a connection field's selection reads a cursor (`edges { cursor }`, `pageInfo {
 * startCursor endCursor }`): without one, its page need not select the rows' sort keys
 * (src/db/sql/pages.ts `rootPage`). Read as connectionNodeFields reads the rows' fields.
 */
export function readsCursors(info: GraphQLResolveInfo): boolean {
  const { top } = connectionSelection(info);
  const pageInfo = top.get('pageInfo');
  return Boolean(top.get('edges')?.has('cursor') || pageInfo?.has('startCursor') || pageInfo?.has('endCursor'));
}

function connectionSelection(info: GraphQLResolveInfo): ConnectionSelection {
  const single = info.fieldNodes.length === 1 ? info.fieldNodes[0] : null;
  const known = single && trees.get(single);
  if (known) return known;
  const top = new Map() as SelectionTree;
  for (const node of info.fieldNodes) if (node.selectionSet) collect(node.selectionSet, info, top);
  const nodes = new Map() as SelectionTree;
  merge(nodes, top.get('nodes'));
  merge(nodes, top.get('edges')?.get('node'));
  const selection = { top, nodes };
  if (single) trees.set(single, selection);
  return selection;
}

function collect(set: SelectionSetNode, info: GraphQLResolveInfo, into: SelectionTree): void {
  // A fragment spread twice in one selection set adds nothing the second time.
  const seen = new Set<string>();
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      const name = s.name.value;
      let sub = into.get(name);
      if (!sub) into.set(name, (sub = new Map()));
      if (s.selectionSet) collect(s.selectionSet, info, sub);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      collect(s.selectionSet, info, into);
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = info.fragments[s.name.value];
      if (fragment) collect(fragment.selectionSet, info, into);
    }
  }
}

function merge(into: SelectionTree, from: SelectionTree | undefined): void {
  if (!from) return;
  for (const [name, sub] of from) {
    const mine = into.get(name);
    if (mine) merge(mine, sub);
    else into.set(name, sub);
  }
}
