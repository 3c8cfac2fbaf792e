import { Authorized, Resolver, Subscription } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import { TOPICS } from '../../graphql/live-hub';
import { PerformanceSnapshot } from './performance-snapshot.type';

@Resolver()
export class PerformanceSnapshotSubscriptions {
  /** Payload: the committed row, read by id once per server (src/live.ts); its nested fields resolve through each subscriber's loaders. */
  @Authorized('reader')
  @Subscription(() => PerformanceSnapshot, {
    topics: TOPICS.snapshot,
    description: 'Each new performance snapshot (a committed PerformanceAnalyticsAgent run), on any server instance.',
  })
  performanceSnapshotCreated(@Parent() snapshot: PerformanceSnapshot): PerformanceSnapshot {
    return snapshot;
  }
}
