import { AgentsResolver } from '../agents/agents.resolver';
import { PerformanceSnapshotResolver } from '../modules/performance-snapshot/performance-snapshot.resolver';
import { StrategyResolver } from '../modules/strategy/strategy.resolver';

/** Resolver classes of the agents area (one registry file per area keeps merges apart). */
export const AGENTS_RESOLVERS: Function[] = [AgentsResolver, PerformanceSnapshotResolver, StrategyResolver];
