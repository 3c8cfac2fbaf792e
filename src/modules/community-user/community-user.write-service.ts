import type { Db } from '../../db/db';
import { CHANNELS, notifyJoin } from '../../db/notify';
import { RecomputeTrigger, triggerCtes } from '../../db/sql/conversion-trigger';
import { toDb } from '../../graphql/enums';
import type { UpsertCommunityUserInput } from './community-user.inputs';
import { CommunityUser, COMMUNITY_USER_COLUMNS } from './community-user.type';

// The upsert, returning whether it inserted the row (xmax = 0: this statement created it).
const UPSERTED = `upserted AS (
  INSERT INTO community_users AS t (handle, platform, display_name) VALUES ($1, $2, $3::text)
  ON CONFLICT (platform, handle) DO UPDATE
    SET display_name = CASE WHEN $4::boolean THEN EXCLUDED.display_name ELSE t.display_name END
  RETURNING ${COMMUNITY_USER_COLUMNS}, t.xmax = 0 AS inserted)`;

const COLUMNS = `upserted.id, upserted.handle, upserted.platform, upserted."displayName", upserted.tier, upserted."engagementScore", upserted."scoreUpdatedAt", upserted."createdAt"`;

// A new user is a NEWCOMER: the tier distribution changed (src/db/notify.ts).
const NOTIFY = notifyJoin(CHANNELS.tiers, "''", 'upserted.inserted');

const UPSERT_SQL = `WITH ${UPSERTED} SELECT ${COLUMNS} FROM upserted ${NOTIFY}`;

// The same upsert, and in the same statement the incremental ConversionAgent's trigger for the user
// (src/db/sql/conversion-trigger.ts): a new user is scored, and the row and the job commit together.
const UPSERT_AND_TRIGGER_SQL = `WITH ${UPSERTED},
  ${triggerCtes('SELECT id::int4 FROM upserted', '$5', '$6')}
  SELECT ${COLUMNS} FROM upserted CROSS JOIN recompute_job ${NOTIFY}`;

/**
 * INSERT ... ON CONFLICT on the unique (platform, handle): concurrent upserts of one handle end in
 * one row. An existing user keeps score and tier; its display name changes only when displayName
 * was sent (null clears it). The handle is stored trimmed, so " ana" and "ana" are one user.
 */
export async function upsertCommunityUser(
  db: Db,
  input: UpsertCommunityUserInput,
  trigger: RecomputeTrigger | null,
): Promise<CommunityUser> {
  const params = [input.handle.trim(), toDb(input.platform), input.displayName ?? null, input.displayName !== undefined];
  const row = trigger
    ? await db.one<CommunityUser>(UPSERT_AND_TRIGGER_SQL, [...params, trigger.debounceMs, trigger.maxAttempts])
    : await db.one<CommunityUser>(UPSERT_SQL, params);
  return row!;
}
