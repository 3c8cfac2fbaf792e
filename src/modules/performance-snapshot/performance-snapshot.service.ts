import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { ConnectionArgs, pageArgs } from '../../graphql/args';
import { Platform, toDb } from '../../graphql/enums';
import { PerformanceSnapshot, PERFORMANCE_SNAPSHOT_COLUMNS } from './performance-snapshot.type';

// createdAt DESC (docs/api.md), on idx_performance_snapshots_created_at_id.
const ORDER: KeysetOrder = { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listPerformanceSnapshots(db: Db, args: ConnectionArgs): Promise<Page<PerformanceSnapshot>> {
  return rootPage<PerformanceSnapshot>(
    db,
    { from: 'performance_snapshots t', columns: PERFORMANCE_SNAPSHOT_COLUMNS, order: ORDER },
    {
      ...pageArgs(args, ORDER),
      filter: () => [],
    },
  );
}

/**
 * The newest snapshot restricted to `platform`, or with none given the newest one over every
 * platform (platform IS NULL), the one tuneStrategy uses. One probe of
 * idx_performance_snapshots_platform_created.
 */
export function latestPerformanceSnapshot(db: Db, platform: Platform | null): Promise<PerformanceSnapshot | null> {
  return db.one<PerformanceSnapshot>(
    `SELECT ${PERFORMANCE_SNAPSHOT_COLUMNS} FROM performance_snapshots t
     WHERE ${platform ? 't.platform = $1' : 't.platform IS NULL'}
     ORDER BY t.created_at DESC, t.id DESC LIMIT 1`,
    platform ? [toDb(platform)] : [],
  );
}
