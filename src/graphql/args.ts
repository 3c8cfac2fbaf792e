/** The arguments many fields share: a row's id, a page of a connection. */
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { Cursor, cursorFits, decodeCursor, KeysetOrder } from '../db/sql/keyset';
import { MAX_FIRST } from './connection';
import { invalidArgs } from './validation';
import { IntRange, IsCursor, IsEntityId, NotNull } from './validators';

/** The lookups by id (insight, content, agentRun, ...); an unknown id answers null. */
@ArgsType()
export class IdArgs {
  @Field(() => ID, { description: 'The row id: a positive integer in decimal; an unknown id answers null.' })
  @IsEntityId()
  id!: string;
}

/** `first` and `after` of every connection; a field with more arguments extends it. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 20,
    description: 'Rows per page: 0..100, default 20; null or out of range is refused.',
  })
  @NotNull()
  @IntRange(0, MAX_FIRST)
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Start after this cursor (an endCursor or edge cursor of the same field); null for the first page.',
  })
  @IsCursor()
  after?: string | null;
}

/** A page request in the field's order: a cursor written for another order is refused like any bad argument. */
export function pageArgs(args: ConnectionArgs, order: KeysetOrder): { first: number; after: Cursor | null } {
  if (args.after === null || args.after === undefined) return { first: args.first, after: null };
  const after = decodeCursor(args.after);
  if (!after || !cursorFits(after, order)) {
    throw invalidArgs([{ path: 'after', problem: 'is not a cursor returned by this field with this order' }]);
  }
  return { first: args.first, after };
}
