import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import { rootPage } from '../../loaders/page-query';
import { StrategyRow, STRATEGY_COLUMNS } from './strategy.type';

// version DESC (api.md); versions are unique (uq_strategies_version), the id only completes the cursor.
const ORDER: KeysetOrder = { key: 't.version', keyCast: 'int8', nullable: false, id: 't.id', desc: true };

export function listStrategies(db: Db, args: { first: number; after?: string | null }): Promise<Page<StrategyRow>> {
  const first = checkFirst(args.first);
  const after = checkCursor(decodeCursor(args.after), ORDER);
  return rootPage<StrategyRow>(db, { from: 'strategies t', columns: STRATEGY_COLUMNS, order: ORDER }, { first, after, filter: () => [] });
}

/** The strategy with the highest version, or null before the first tuneStrategy. */
export function currentStrategy(db: Db): Promise<StrategyRow | null> {
  return db.one<StrategyRow>(`SELECT ${STRATEGY_COLUMNS} FROM strategies t ORDER BY t.version DESC LIMIT 1`);
}
