/**
 * Relay-style connections (edges, nodes, pageInfo, totalCount) for every list of the contract;
 * their data is a Page (src/db/sql/pages.ts).
 */
import { GraphQLSchema, isObjectType } from 'graphql';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { Page } from '../db/sql/pages';

/** `first` is 0..100 on every list: outside that range it is refused, never clamped. */
export const MAX_FIRST = 100;

@ObjectType({ simpleResolvers: true, description: 'Where a page of a connection stands in the whole list.' })
export class PageInfo {
  @Field({
    description:
      'True when more rows follow this page (ask for them with after: endCursor); paging backwards, when before was given and a row exists at or after that cursor.',
  })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the last edge of this page; null when the page is empty.' })
  endCursor!: string | null;

  @Field({
    description:
      'True when rows precede this page: paging backwards, when more rows lie before it (ask with before: startCursor); paging forwards, when after was given and a row exists at or before that cursor.',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first edge of this page; null when the page is empty.' })
  startCursor!: string | null;
}

/** The names of the connection types (`<name>Connection`), for resolveTotalCounts. */
const CONNECTION_TYPES: string[] = [];

/**
 * Every connection's totalCount resolves by calling its page's thunk (src/db/sql/pages.ts), which
 * runs the count only when selected. graphql-js's default resolver would call it too; graphql-jit
 * (src/graphql/compiled-execution.ts) reads a field without resolver as a plain value and awaits
 * only what a resolver returns, so the field has one.
 */
export function resolveTotalCounts(schema: GraphQLSchema): GraphQLSchema {
  for (const name of CONNECTION_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type)) continue;
    type.getFields().totalCount.resolve = (page: Page<unknown>) => page.totalCount();
  }
  return schema;
}

export function connectionType<T extends object>(name: string, node: ClassType<T>) {
  CONNECTION_TYPES.push(`${name}Connection`);
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field({
      description: 'Opaque cursor of this row; pass it as after to get the rows that follow, or as before for the rows that precede.',
    })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, {
    simpleResolvers: true,
    description: `A page of ${name} rows, in the order of the field (docs/api.md).`,
  })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The rows of this page with their cursors.' })
    edges!: EdgeType[];

    @Field(() => [node], { description: 'The rows of this page, without cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Whether more rows follow, and the cursor to get them.' })
    pageInfo!: PageInfo;

    @Field(() => Int, {
      description: "Count of all rows matching the field's filter, ignoring first and after; computed only when selected.",
    })
    totalCount!: number;
  }
  return ConnectionType;
}
