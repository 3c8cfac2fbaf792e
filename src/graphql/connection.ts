/**
 * Relay-style connections (edges, nodes, pageInfo, totalCount) for every list of the contract.
 * `totalCount` is a thunk: graphql-js calls it only when the field is selected, so an unselected
 * count costs no SQL.
 */
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { BadUserInputError } from '../errors';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number> | number;
}

export function connectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All rows matching the filter, ignoring paging; computed only when selected.' })
    totalCount!: number;
  }
  return ConnectionType;
}

export const MAX_FIRST = 100;

/** `first` is 0..100 (api.md): outside that range is refused, never clamped. */
export function checkFirst(first: number, argumentName = 'first'): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw new BadUserInputError(`${argumentName} must be between 0 and ${MAX_FIRST}, got ${first}`, argumentName);
  }
  return first;
}

/**
 * Builds a page from up to first + 1 rows (the extra row only says there is a next page).
 */
export function toPage<R, T>(
  rows: R[],
  first: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
  totalCount: () => Promise<number> | number,
): Page<T> {
  const hasNextPage = rows.length > first;
  const kept = hasNextPage ? rows.slice(0, first) : rows;
  // Cursors are encoded only when read: a `nodes { ... }` selection never pays for them.
  const edges = kept.map((r) => ({ get cursor() { return cursorOf(r); }, node: map(r) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage, endCursor: kept.length ? cursorOf(kept[kept.length - 1]) : null },
    totalCount,
  };
}
