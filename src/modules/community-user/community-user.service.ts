import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import { CommunityUserOrderField, SortDirection, toDb } from '../../graphql/enums';
import type { CommunityUsersArgs } from './community-user.inputs';
import { CommunityUser, COMMUNITY_USER_COLUMNS } from './community-user.type';

const ORDER_KEYS: Record<CommunityUserOrderField, Pick<KeysetOrder, 'key' | 'keyCast' | 'nullable'>> = {
  // With a tier filter this walks idx_community_users_tier_score_id backwards (see the entity);
  // without one, idx_community_users_score_id.
  [CommunityUserOrderField.ENGAGEMENT_SCORE]: { key: 't.engagement_score', keyCast: 'float8', nullable: false },
  [CommunityUserOrderField.CREATED_AT]: { key: 't.created_at', keyCast: 'timestamptz', nullable: false },
};

export function listCommunityUsers(db: Db, args: CommunityUsersArgs): Promise<Page<CommunityUser>> {
  const field = args.orderBy?.field ?? CommunityUserOrderField.ENGAGEMENT_SCORE;
  const order: KeysetOrder = {
    ...ORDER_KEYS[field],
    id: 't.id',
    desc: (args.orderBy?.direction ?? SortDirection.DESC) === SortDirection.DESC,
  };
  const f = args.filter;
  return rootPage<CommunityUser>(
    db,
    { from: 'community_users t', columns: COMMUNITY_USER_COLUMNS, order },
    {
      ...pageArgs(args, order),
      filter: (p) => {
        const c: string[] = [];
        if (f?.tier) c.push(`t.tier = ${p.add(toDb(f.tier))}`);
        if (f?.platform) c.push(`t.platform = ${p.add(toDb(f.platform))}`);
        if (f?.minScore !== null && f?.minScore !== undefined) c.push(`t.engagement_score >= ${p.add(f.minScore)}::float8`);
        return c;
      },
    },
  );
}
