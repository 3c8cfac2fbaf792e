import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { ConnectionArgs, pageArgs } from '../../graphql/args';
import { StrategyRow, STRATEGY_COLUMNS } from './strategy.type';

// version DESC (docs/api.md); versions are unique (uq_strategies_version), the id only completes the cursor.
const ORDER: KeysetOrder = { key: 't.version', keyCast: 'int8', nullable: false, id: 't.id', desc: true };

export function listStrategies(db: Db, args: ConnectionArgs): Promise<Page<StrategyRow>> {
  return rootPage<StrategyRow>(
    db,
    { from: 'strategies t', columns: STRATEGY_COLUMNS, order: ORDER },
    { ...pageArgs(args, ORDER), filter: () => [] },
  );
}

/** The strategy with the highest version, or null before the first tuneStrategy. */
export function currentStrategy(db: Db): Promise<StrategyRow | null> {
  return db.one<StrategyRow>(`SELECT ${STRATEGY_COLUMNS} FROM strategies t ORDER BY t.version DESC LIMIT 1`);
}
