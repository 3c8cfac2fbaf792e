import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { CommunityUserOrderField, SortDirection, toDb } from '../../graphql/enums';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import { rootPage } from '../../loaders/page-query';
import type { CommunityUserFilter, CommunityUserOrder } from './community-user.inputs';
import { CommunityUser, COMMUNITY_USER_COLUMNS } from './community-user.type';

const ORDER_KEYS: Record<CommunityUserOrderField, Pick<KeysetOrder, 'key' | 'keyCast' | 'nullable'>> = {
  // With a tier filter this walks idx_community_users_tier_score_id backwards (see the entity);
  // without one, idx_community_users_score_id.
  [CommunityUserOrderField.ENGAGEMENT_SCORE]: { key: 't.engagement_score', keyCast: 'float8', nullable: false },
  [CommunityUserOrderField.CREATED_AT]: { key: 't.created_at', keyCast: 'timestamptz', nullable: false },
};

export function listCommunityUsers(
  db: Db,
  args: { first: number; after?: string | null; filter?: CommunityUserFilter | null; orderBy?: CommunityUserOrder | null },
): Promise<Page<CommunityUser>> {
  const first = checkFirst(args.first);
  const field = args.orderBy?.field ?? CommunityUserOrderField.ENGAGEMENT_SCORE;
  const order: KeysetOrder = { ...ORDER_KEYS[field], id: 't.id', desc: (args.orderBy?.direction ?? SortDirection.DESC) === SortDirection.DESC };
  const after = checkCursor(decodeCursor(args.after), order);
  const f = args.filter;
  return rootPage<CommunityUser>(db, { from: 'community_users t', columns: COMMUNITY_USER_COLUMNS, order }, {
    first,
    after,
    filter: (p) => {
      const c: string[] = [];
      if (f?.tier) c.push(`t.tier = ${p.add(toDb(f.tier))}`);
      if (f?.platform) c.push(`t.platform = ${p.add(toDb(f.platform))}`);
      if (f?.minScore !== null && f?.minScore !== undefined) c.push(`t.engagement_score >= ${p.add(f.minScore)}::float8`);
      return c;
    },
  });
}
