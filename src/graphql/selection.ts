import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/** The fields a selection asks for, by name (aliases merged), each with its own sub-selection. */
export type SelectionTree = Map<string, SelectionTree>;

const trees = new WeakMap<FieldNode, SelectionTree>();

/**
 * What a connection field asks of its rows: the fields under `nodes` and `edges { node }`, merged,
 * through fragments and inline fragments. @skip/@include are not evaluated (a field they may drop
 * still counts: it only costs a few columns). Apollo reuses a document's AST between requests, so
 * the answer is kept per field node.
 */
export function connectionNodeFields(info: GraphQLResolveInfo): SelectionTree {
  const single = info.fieldNodes.length === 1 ? info.fieldNodes[0] : null;
  const known = single && trees.get(single);
  if (known) return known;
  const top = new Map() as SelectionTree;
  for (const node of info.fieldNodes) if (node.selectionSet) collect(node.selectionSet, info, top);
  const out = new Map() as SelectionTree;
  merge(out, top.get('nodes'));
  merge(out, top.get('edges')?.get('node'));
  if (single) trees.set(single, out);
  return out;
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
