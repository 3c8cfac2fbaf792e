import type { Db } from '../../db/db';
import { CHANNELS, notifyJoin } from '../../db/notify';
import { toDb } from '../../graphql/enums';
import type { UpsertCommunityUserInput } from './community-user.inputs';
import { CommunityUser, COMMUNITY_USER_COLUMNS } from './community-user.type';

/**
 * INSERT ... ON CONFLICT on the unique (platform, handle): concurrent upserts of one handle end in
 * one row. An existing user keeps score and tier; its display name changes only when displayName
 * was sent (null clears it). The handle is stored trimmed, so " ana" and "ana" are one user.
 */
export async function upsertCommunityUser(db: Db, input: UpsertCommunityUserInput): Promise<CommunityUser> {
  // A new user is a NEWCOMER: the tier distribution changed (xmax = 0: this statement inserted the row).
  const row = await db.one<CommunityUser>(
    `WITH w AS (
       INSERT INTO community_users AS t (handle, platform, display_name) VALUES ($1, $2, $3::text)
       ON CONFLICT (platform, handle) DO UPDATE
         SET display_name = CASE WHEN $4::boolean THEN EXCLUDED.display_name ELSE t.display_name END
       RETURNING ${COMMUNITY_USER_COLUMNS}, t.xmax = 0 AS inserted)
     SELECT w.id, w.handle, w.platform, w."displayName", w.tier, w."engagementScore", w."scoreUpdatedAt", w."createdAt" FROM w ${notifyJoin(CHANNELS.tiers, "''", 'w.inserted')}`,
    [input.handle.trim(), toDb(input.platform), input.displayName ?? null, input.displayName !== undefined],
  );
  return row!;
}
