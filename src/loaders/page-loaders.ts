/**
 * The nested connections' loaders: every parent of a request that asks for the same page shape
 * (size, direction, since, with or without a cursor) is answered by one statement (src/db/sql/pages.ts).
 */
import DataLoader from 'dataloader';
import type { Db } from '../db/db';
import { ChildPageKey, childCounts, childPageRows, ChildSpec, Page, pageOf } from '../db/sql/pages';

type CountKey = { parentId: number; since: Date | null };

export function childPageLoader<T>(db: Db, spec: ChildSpec, batch = true): DataLoader<ChildPageKey, Page<T>, string> {
  const counts = childCountLoader(db, spec, batch);
  return new DataLoader<ChildPageKey, Page<T>, string>(
    async (keys) => {
      const groups = groupBy(keys, (k) => `${k.size}|${k.backward ? 'b' : 'f'}|${k.since?.getTime() ?? ''}|${k.cursor ? 1 : 0}`);
      const results = new Map<ChildPageKey, Page<T>>();
      await Promise.all(
        groups.map(async (group) => {
          const perKey = await childPageRows(db, spec, group);
          group.forEach((k, i) => {
            results.set(
              k,
              pageOf<T>(perKey[i].rows, k, perKey[i].beyond, () => counts.load({ parentId: k.parentId, since: k.since ?? null })),
            );
          });
        }),
      );
      return keys.map((k) => results.get(k)!);
    },
    {
      batch,
      cacheKeyFn: (k) =>
        `${k.parentId}|${k.size}|${k.backward ? 'b' : 'f'}|${k.since?.getTime() ?? ''}|${k.cursor ? `${k.cursor.key}|${k.cursor.id}` : ''}`,
    },
  );
}

/** Per-parent totalCount: one GROUP BY for all parents of a request that share `since`. */
function childCountLoader(db: Db, spec: ChildSpec, batch: boolean): DataLoader<CountKey, number, string> {
  return new DataLoader<CountKey, number, string>(
    async (keys) => {
      const answers = new Map<CountKey, number>();
      await Promise.all(
        groupBy(keys, (k) => String(k.since?.getTime() ?? '')).map(async (group) => {
          const counts = await childCounts(
            db,
            spec,
            group.map((k) => k.parentId),
            group[0].since,
          );
          for (const k of group) answers.set(k, counts.get(k.parentId) ?? 0);
        }),
      );
      return keys.map((k) => answers.get(k)!);
    },
    { batch, cacheKeyFn: (k) => `${k.parentId}|${k.since?.getTime() ?? ''}` },
  );
}

function groupBy<K>(keys: readonly K[], keyOf: (k: K) => string): K[][] {
  const groups = new Map<string, K[]>();
  for (const k of keys) {
    const g = keyOf(k);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(k);
  }
  return [...groups.values()];
}
