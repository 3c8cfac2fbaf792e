import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import { rootPage } from '../../loaders/page-query';
import { Insight, INSIGHT_COLUMNS } from './insight.type';

const ORDER: KeysetOrder = { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listInsights(db: Db, args: { first: number; after?: string | null; minScore?: number | null }): Promise<Page<Insight>> {
  const first = checkFirst(args.first);
  const after = checkCursor(decodeCursor(args.after), ORDER);
  return rootPage<Insight>(db, { from: 'insights t', columns: INSIGHT_COLUMNS, order: ORDER }, {
    first,
    after,
    filter: (p) => (args.minScore === null || args.minScore === undefined ? [] : [`t.score >= ${p.add(args.minScore)}`]),
  });
}
