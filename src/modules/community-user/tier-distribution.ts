/** tierDistribution (docs/api.md): every tier in rank order with its user count, zeros included. */
import { Field, Int, ObjectType } from 'type-graphql';
import type { Db } from '../../db/db';
import { Tier, TIER_ORDER, toDb } from '../../graphql/enums';

@ObjectType('TierCount', { simpleResolvers: true, description: 'The number of community users in one tier.' })
export class TierCount {
  @Field(() => Tier, { description: 'The tier.' })
  tier!: Tier;

  @Field(() => Int, { description: 'Count of community users in this tier.' })
  users!: number;
}

/** Stored tier texts in rank order (NEWCOMER < ENGAGED < ADVOCATE < CHAMPION). */
export const TIER_RANKS: string[] = TIER_ORDER.map(toDb);

/** One statement; the tier list is the only parameter. Also the ConversionAgent's closing count. */
export const TIER_COUNTS_SQL = `
  SELECT upper(k.tier) AS tier, count(u.id)::int AS users
  FROM unnest($1::text[]) WITH ORDINALITY AS k(tier, rank)
  LEFT JOIN community_users u ON u.tier = k.tier
  GROUP BY k.tier, k.rank
  ORDER BY k.rank`;

export function tierDistribution(db: Db): Promise<TierCount[]> {
  return db.query<TierCount>(TIER_COUNTS_SQL, [TIER_RANKS]);
}
