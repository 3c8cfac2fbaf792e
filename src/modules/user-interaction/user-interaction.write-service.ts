import type { Db } from '../../db/db';
import { RecomputeTrigger, triggerCtes } from '../../db/sql/conversion-trigger';
import { violatedForeignKey } from '../../db/pg-errors';
import { INT4_MAX } from '../../db/sql/params';
import { InteractionType, toDb } from '../../graphql/enums';
import { utcText } from '../../graphql/scalars';
import { invalidArgs, Problem, REPORTED_PROBLEMS } from '../../graphql/validation';
import type { RecordInteractionInput } from './user-interaction.inputs';

const STORED_TYPE = Object.fromEntries(Object.values(InteractionType).map((t) => [t, toDb(t)])) as Record<InteractionType, string>;

// One statement = one transaction: every row or none. Rows go in by user (input order within a
// user): the (user_id, timestamp) index and the user foreign-key checks then touch neighbouring
// entries one after the other: 10-15% less statement time than a batch's random order in our runs.
const INSERT_SQL = `INSERT INTO user_interactions (user_id, content_id, interaction_type, timestamp)
  SELECT u, c, k, coalesce(ts, now())
  FROM unnest($1::int4[], $2::int4[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS i(u, c, k, ts, n)
  ORDER BY u, n`;

// The same insert, and in the same statement the incremental ConversionAgent's trigger for the
// batch's users (src/db/sql/conversion-trigger.ts): the rows and the job commit together. The
// trigger reads the users from the insert's RETURNING, so that it runs after the insert.
const INSERT_AND_TRIGGER_SQL = `WITH inserted AS (${INSERT_SQL} RETURNING user_id),
  ${triggerCtes('SELECT user_id FROM inserted', '$5', '$6')}
  SELECT job_id FROM recompute_job`;

// The trigger alone, for users that earlier statements of the same transaction wrote (a long
// POST /ingest/interactions body, written in several statements): the job row's lock is taken last.
const TRIGGER_SQL = `WITH ${triggerCtes('SELECT unnest($1::int4[])', '$2', '$3')}
  SELECT job_id FROM recompute_job`;

// Only after a failed insert: which items refer to rows that do not exist, in item order. int8,
// so ids beyond the int4 key range are simply not found.
const MISSING_SQL = `SELECT i.n::int - 1 AS idx, (u.id IS NULL) AS "noUser", (i.c IS NOT NULL AND c.id IS NULL) AS "noContent",
    i.u::text AS "userId", i.c::text AS "contentId", count(*) OVER ()::int AS total
  FROM unnest($1::int8[], $2::int8[]) WITH ORDINALITY AS i(u, c, n)
  LEFT JOIN community_users u ON u.id = i.u
  LEFT JOIN published_content c ON c.id = i.c
  WHERE u.id IS NULL OR (i.c IS NOT NULL AND c.id IS NULL)
  ORDER BY i.n LIMIT ${REPORTED_PROBLEMS}`;

export type ItemPath = (index: number, field: 'userId' | 'contentId') => string;

/** A validated id (1 to 16 digits) that no int4 key can match. */
const beyondInt4 = (id: string): boolean => id.length > 9 && Number(id) > INT4_MAX;

/**
 * All items in one INSERT ... SELECT FROM unnest (one statement whatever the item count).
 * The ids were validated (@IsEntityId); the per-item work here is four array slots. The arrays go to
 * PostgreSQL as literal text built with join() (every element is digits, a whitelisted word or an
 * ISO date, so nothing needs quoting), which costs a fraction of the driver's per-element escaping.
 * The foreign keys find unknown ids; only then does a second query name the offending items.
 * With a trigger (AUTO_RECOMPUTE), the same statement enqueues the batch's users' recompute.
 */
export async function recordInteractions(
  db: Db,
  items: RecordInteractionInput[],
  trigger: RecomputeTrigger | null,
  /** How an error names item i's field (`input[3].userId` for the mutation's list of objects). */
  pathOf: ItemPath = (i, field) => `input[${i}].${field}`,
  /**
   * Where the query that names unknown ids runs after a failed insert. By default `db` itself, so in
   * a transaction the insert runs under a SAVEPOINT (recoverable). A caller that rolls its
   * transaction back on any failure passes another Db (the pool's): no savepoint, no subtransaction.
   */
  lookup: Db | null = null,
): Promise<{ inserted: number }> {
  const n = items.length;
  const users = new Array<string>(n);
  const contents = new Array<string>(n);
  const types = new Array<string>(n);
  const times = new Array<string>(n);
  let outOfRange = false;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    const c = it.contentId;
    if (beyondInt4(it.userId) || (c != null && beyondInt4(c))) outOfRange = true;
    users[i] = it.userId;
    contents[i] = c ?? 'NULL';
    types[i] = STORED_TYPE[it.type];
    times[i] = it.timestamp ? utcText(it.timestamp) : 'NULL';
  }
  const userIds = `{${users.join(',')}}`;
  const contentIds = `{${contents.join(',')}}`;
  if (outOfRange) throw await unknownRefs(lookup ?? db, userIds, contentIds, pathOf); // no int4 key can match
  // Recoverable: in a mutation operation's transaction, the query that names the unknown ids still runs.
  const run = (sql: string, params: unknown[]) => (lookup ? db.query(sql, params) : db.recoverable(sql, params));
  try {
    const params = [userIds, contentIds, `{${types.join(',')}}`, `{${times.join(',')}}`];
    if (trigger) await run(INSERT_AND_TRIGGER_SQL, [...params, trigger.debounceMs, trigger.maxAttempts]);
    else await run(INSERT_SQL, params);
  } catch (err) {
    const fk = violatedForeignKey(err);
    if (fk === 'fk_user_interactions_user' || fk === 'fk_user_interactions_content')
      throw await unknownRefs(lookup ?? db, userIds, contentIds, pathOf);
    throw err;
  }
  return { inserted: n };
}

/**
 * The incremental ConversionAgent's trigger for these users (validated ids of rows that exist, as
 * recordInteractions wrote them; repeats are fine), in `db`'s transaction after its inserts.
 */
export async function triggerRecompute(db: Db, userIds: string[], trigger: RecomputeTrigger): Promise<void> {
  await db.query(TRIGGER_SQL, [`{${userIds.join(',')}}`, trigger.debounceMs, trigger.maxAttempts]);
}

/** userIds, contentIds: int8[] literals (ids beyond int4 included: they are simply not found). */
async function unknownRefs(db: Db, userIds: string, contentIds: string, pathOf: ItemPath): Promise<Error> {
  const rows = await db.query<{
    idx: number;
    noUser: boolean;
    noContent: boolean;
    userId: string;
    contentId: string | null;
    total: number;
  }>(MISSING_SQL, [userIds, contentIds]);
  if (!rows.length) {
    // The referenced row existed during the check: it was deleted and re-created meanwhile.
    return invalidArgs([
      { path: 'input', problem: 'an interaction referred to a user or content that changed during the call; nothing was recorded' },
    ]);
  }
  const problems: Problem[] = [];
  for (const r of rows) {
    if (r.noUser) problems.push({ path: pathOf(r.idx, 'userId'), problem: `no community user has id "${r.userId}"` });
    if (r.noContent) problems.push({ path: pathOf(r.idx, 'contentId'), problem: `no published content has id "${r.contentId}"` });
  }
  const total = rows[0].total;
  return invalidArgs(problems, total > rows.length ? `; ${total} items in all refer to unknown rows` : '');
}
