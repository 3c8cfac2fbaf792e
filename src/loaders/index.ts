/**
 * Per-request DataLoaders: every relation and nested connection of the schema loads through one of
 * these, so a request's statement count depends on its shape, never on how many rows it returns.
 * Created lazily per request (never at module level); reset after every mutation (src/graphql/mutation-operation.ts).
 */
import type DataLoader from 'dataloader';
import type { Db } from '../db/db';
import type { AgentRun } from '../modules/agent-run/agent-run.type';
import { AGENT_RUN_COLUMNS } from '../modules/agent-run/agent-run.type';
import type { CommunityUser } from '../modules/community-user/community-user.type';
import { COMMUNITY_USER_COLUMNS } from '../modules/community-user/community-user.type';
import type { ContentPlan } from '../modules/content-plan/content-plan.type';
import { CONTENT_PLAN_COLUMNS } from '../modules/content-plan/content-plan.type';
import type { Insight } from '../modules/insight/insight.type';
import { INSIGHT_COLUMNS } from '../modules/insight/insight.type';
import type { PerformanceSnapshot } from '../modules/performance-snapshot/performance-snapshot.type';
import { PERFORMANCE_SNAPSHOT_COLUMNS } from '../modules/performance-snapshot/performance-snapshot.type';
import type { PublishedContent } from '../modules/published-content/published-content.type';
import { PUBLISHED_CONTENT_COLUMNS } from '../modules/published-content/published-content.type';
import type { StrategyRow } from '../modules/strategy/strategy.type';
import { STRATEGY_COLUMNS } from '../modules/strategy/strategy.type';
import type { UserInteraction } from '../modules/user-interaction/user-interaction.type';
import { USER_INTERACTION_COLUMNS } from '../modules/user-interaction/user-interaction.type';
import { byIdLoader, byParentLoader } from './by-id';
import { childPageLoader } from './page-loaders';
import { CHILD_SPECS } from './specs';

/** Per plan, at most this many published items (newest first): every list is capped. */
export const PUBLISHED_PER_PLAN_CAP = 100;

/**
 * Each loader's factory. Module-level: a request's loaders object holds only its Db, its flag and
 * the loaders it used (a read that needs none, such as contents with its joins, creates none).
 * `batch: false` only for the benchmark's N+1 comparison (x-bench-unbatched, see src/http/app.ts).
 */
const FACTORIES = {
  insight: (db: Db, batch: boolean) => byIdLoader<Insight>(db, 'insights t', INSIGHT_COLUMNS, 'int4', batch),
  contentPlan: (db: Db, batch: boolean) => byIdLoader<ContentPlan>(db, 'content_plans t', CONTENT_PLAN_COLUMNS, 'int4', batch),
  content: (db: Db, batch: boolean) => byIdLoader<PublishedContent>(db, 'published_content t', PUBLISHED_CONTENT_COLUMNS, 'int4', batch),
  communityUser: (db: Db, batch: boolean) => byIdLoader<CommunityUser>(db, 'community_users t', COMMUNITY_USER_COLUMNS, 'int4', batch),
  interaction: (db: Db, batch: boolean) => byIdLoader<UserInteraction>(db, 'user_interactions t', USER_INTERACTION_COLUMNS, 'int8', batch),
  agentRun: (db: Db, batch: boolean) => byIdLoader<AgentRun>(db, 'agent_logs t', AGENT_RUN_COLUMNS, 'int8', batch),
  performanceSnapshot: (db: Db, batch: boolean) =>
    byIdLoader<PerformanceSnapshot>(db, 'performance_snapshots t', PERFORMANCE_SNAPSHOT_COLUMNS, 'int4', batch),
  strategy: (db: Db, batch: boolean) => byIdLoader<StrategyRow>(db, 'strategies t', STRATEGY_COLUMNS, 'int4', batch),
  contentByPlan: (db: Db, batch: boolean) =>
    byParentLoader<PublishedContent>(
      db,
      {
        from: 'published_content t',
        columns: PUBLISHED_CONTENT_COLUMNS,
        parentColumn: 't.content_plan_id',
        orderBy: 't.published_at DESC, t.id DESC',
        cast: 'int4',
        cap: PUBLISHED_PER_PLAN_CAP,
      },
      batch,
    ),
  plansByInsight: (db: Db, batch: boolean) => childPageLoader<ContentPlan>(db, CHILD_SPECS.plansByInsight, batch),
  interactionsByUser: (db: Db, batch: boolean) => childPageLoader<UserInteraction>(db, CHILD_SPECS.interactionsByUser, batch),
  interactionsByContent: (db: Db, batch: boolean) => childPageLoader<UserInteraction>(db, CHILD_SPECS.interactionsByContent, batch),
};

type Factories = typeof FACTORIES;
export type Loaders = { [K in keyof Factories]: ReturnType<Factories[K]> } & {
  reset(): void;
  /** false only for the benchmark's N+1 comparison: then no relation is folded into its parent's statement either. */
  readonly batch: boolean;
};

/** A request's loaders: each made on first use (a getter per loader, defined once on the prototype below). */
class RequestLoaders {
  private cache = new Map<string, unknown>();
  constructor(
    private readonly db: Db,
    readonly batch: boolean,
  ) {}

  reset(): void {
    this.cache = new Map();
  }

  loader(name: keyof Factories): unknown {
    let l = this.cache.get(name);
    if (l === undefined) this.cache.set(name, (l = FACTORIES[name](this.db, this.batch)));
    return l;
  }
}
for (const name of Object.keys(FACTORIES) as (keyof Factories)[]) {
  Object.defineProperty(RequestLoaders.prototype, name, {
    enumerable: true,
    get(this: RequestLoaders) {
      return this.loader(name);
    },
  });
}

export function createLoaders(db: Db, opts: { batch?: boolean } = {}): Loaders {
  return new RequestLoaders(db, opts.batch ?? true) as unknown as Loaders;
}

/**
 * A to-one relation: the row its parent's statement already joined (src/db/sql/pages.ts ToOneJoin,
 * found on the parent under `as`), else one key of the loader's batch.
 */
export function joinedOrLoad<T>(
  parent: object,
  as: string,
  loader: () => DataLoader<number, T | null>,
  id: number,
): T | null | Promise<T | null> {
  const joined = (parent as Record<string, unknown>)[as] as T | null | undefined;
  // The loader only when needed: a request whose rows all came joined never creates it.
  return joined === undefined ? loader().load(id) : joined;
}
