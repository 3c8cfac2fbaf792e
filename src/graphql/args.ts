/** The arguments many fields share: a row's id, a page of a connection. */
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { cursorFits, decodeCursor, KeysetOrder } from '../db/sql/keyset';
import type { PageWindow } from '../db/sql/pages';
import { MAX_FIRST } from './connection';
import { givenArguments, invalidArgs, Problem } from './validation';
import { IntRange, IsCursor, IsEntityId, NotNull } from './validators';

/** The lookups by id (insight, content, agentRun, ...); an unknown id answers null. */
@ArgsType()
export class IdArgs {
  @Field(() => ID, { description: 'The row id: a positive integer in decimal; an unknown id answers null.' })
  @IsEntityId()
  id!: string;
}

/**
 * The paging arguments of every connection, both ways (docs/api.md "Paging"): `first` and `after`
 * page forwards, `last` and `before` backwards; a field with more arguments extends this class.
 */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 20,
    description: 'Rows per page, paging forwards: 0..100, default 20 (unless last is given); null or out of range is refused.',
  })
  @NotNull()
  @IntRange(0, MAX_FIRST)
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Start after this cursor (an endCursor or edge cursor of the same field); null for the first page. Goes with first.',
  })
  @IsCursor()
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Rows per page, paging backwards: the last 0..100 rows (before the before cursor, or of the whole list); not with first.',
  })
  @IntRange(0, MAX_FIRST)
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'End before this cursor (a startCursor or edge cursor of the same field); null for the last page. Goes with last.',
  })
  @IsCursor()
  before?: string | null;
}

const given = (v: unknown) => v !== null && v !== undefined;

/**
 * A page request in the field's order: `first` rows after `after`, or the `last` rows before
 * `before` (returned in the field's order, as Relay wants). Mixing the two directions is refused, and
 * so is a cursor written for another order, like any bad argument.
 */
export function pageArgs(args: ConnectionArgs, order: KeysetOrder): PageWindow {
  const backward = given(args.last);
  const problems: Problem[] = [];
  if (backward && givenArguments(args).has('first')) {
    problems.push({
      path: 'last',
      problem: 'must not be given together with first: page forwards with first/after or backwards with last/before',
    });
  }
  if (backward && given(args.after))
    problems.push({ path: 'after', problem: 'goes with first, not with last: page backwards with last/before' });
  if (!backward && given(args.before))
    problems.push({ path: 'before', problem: 'goes with last, not with first: page forwards with first/after' });
  if (problems.length) throw invalidArgs(problems);
  const name = backward ? 'before' : 'after';
  const raw = backward ? args.before : args.after;
  const size = backward ? args.last! : args.first;
  if (raw === null || raw === undefined) return { size, cursor: null, backward };
  const cursor = decodeCursor(raw);
  if (!cursor || !cursorFits(cursor, order)) {
    throw invalidArgs([{ path: name, problem: 'is not a cursor returned by this field with this order' }]);
  }
  return { size, cursor, backward };
}
