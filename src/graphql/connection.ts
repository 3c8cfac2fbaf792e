/**
 * Relay-style connections (edges, nodes, pageInfo, totalCount) for every list of the contract;
 * their data is a Page (src/db/sql/pages.ts).
 */
import { ClassType, Field, Int, ObjectType } from 'type-graphql';

/** `first` is 0..100 on every list: outside that range it is refused, never clamped. */
export const MAX_FIRST = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
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
