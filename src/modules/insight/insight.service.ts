import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import type { InsightsArgs } from './insight.inputs';
import { Insight, INSIGHT_COLUMNS } from './insight.type';

const ORDER: KeysetOrder = { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listInsights(db: Db, args: InsightsArgs): Promise<Page<Insight>> {
  return rootPage<Insight>(
    db,
    { from: 'insights t', columns: INSIGHT_COLUMNS, order: ORDER },
    {
      ...pageArgs(args, ORDER),
      filter: (p) => (args.minScore === null || args.minScore === undefined ? [] : [`t.score >= ${p.add(args.minScore)}`]),
    },
  );
}
