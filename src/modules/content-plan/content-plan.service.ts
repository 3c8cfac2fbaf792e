import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import { toDb } from '../../graphql/enums';
import { entityId } from '../../graphql/validators';
import type { ContentPlansArgs } from './content-plan.inputs';
import { ContentPlan, CONTENT_PLAN_COLUMNS } from './content-plan.type';

const ORDER: KeysetOrder = { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listContentPlans(db: Db, args: ContentPlansArgs): Promise<Page<ContentPlan>> {
  const f = args.filter;
  const insightId = entityId(f?.insightId);
  return rootPage<ContentPlan>(
    db,
    { from: 'content_plans t', columns: CONTENT_PLAN_COLUMNS, order: ORDER },
    {
      ...pageArgs(args, ORDER),
      filter: (p) => {
        const conds: string[] = [];
        if (f?.format) conds.push(`t.format = ${p.add(toDb(f.format))}`);
        if (f?.platform) conds.push(`t.platform = ${p.add(toDb(f.platform))}`);
        if (f?.status) conds.push(`t.status = ${p.add(toDb(f.status))}`);
        if (insightId !== null) conds.push(`t.insight_id = ${p.add(insightId)}::int8`);
        return conds;
      },
    },
  );
}
