import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { toDb } from '../../graphql/enums';
import { parseOptionalId } from '../../graphql/ids';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import type { Params } from '../../graphql/sql-params';
import { rootPage } from '../../loaders/page-query';
import type { ContentPlanFilter } from './content-plan.inputs';
import { ContentPlan, CONTENT_PLAN_COLUMNS } from './content-plan.type';

const ORDER: KeysetOrder = { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

function filterSql(filter: ContentPlanFilter | null | undefined): (p: Params) => string[] {
  const insightId = parseOptionalId(filter?.insightId, 'filter.insightId');
  return (p) => {
    const conds: string[] = [];
    if (filter?.format) conds.push(`t.format = ${p.add(toDb(filter.format))}`);
    if (filter?.platform) conds.push(`t.platform = ${p.add(toDb(filter.platform))}`);
    if (filter?.status) conds.push(`t.status = ${p.add(toDb(filter.status))}`);
    if (insightId !== null) conds.push(`t.insight_id = ${p.add(insightId)}::int8`);
    return conds;
  };
}

export function listContentPlans(
  db: Db,
  args: { first: number; after?: string | null; filter?: ContentPlanFilter | null },
): Promise<Page<ContentPlan>> {
  const first = checkFirst(args.first);
  const after = checkCursor(decodeCursor(args.after), ORDER);
  return rootPage<ContentPlan>(db, { from: 'content_plans t', columns: CONTENT_PLAN_COLUMNS, order: ORDER }, {
    first,
    after,
    filter: filterSql(args.filter),
  });
}
