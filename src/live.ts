/**
 * Live updates (docs/api.md "Subscriptions"), in each server process: the database's notifications,
 * received by this process's one listening connection (src/db/listener.ts), become the events of the
 * Subscription fields (src/graphql/live-hub.ts). What each channel carries (src/db/notify.ts):
 *
 * - agent runs: the row itself, as its status change committed; published at once and in order.
 *   A row too long for a notification arrives as its id and is read back here (rare: only
 *   recordAgentRun can write one).
 * - snapshots: the id; the row never changes once committed, so it is read here once per process
 *   and shared by every subscriber.
 * - tiers: nothing; the distribution is counted here after the commit, once per process however
 *   many subscribe (close notifications share one count), and only while someone subscribes.
 *
 * Every agent run notification also invalidates this process's result cache when it is the
 * in-memory one (a shared Redis cache was invalidated by the process that ran it): a run committed
 * by another process (`npm run worker`, another instance's worker or mutation) makes the answers
 * that read what it wrote unreachable here too (src/cache/dependencies.ts tablesWrittenByRun).
 * Other processes' in-memory caches also announce every invalidation of theirs on CHANNELS.writes
 * (src/cache/announce.ts), which is handed to this process's cache.
 */
import type { Pool } from 'pg';
import { tablesWrittenByRun } from './cache/dependencies';
import type { ResultCache } from './cache/result-cache';
import { Db } from './db/db';
import { NotificationListener } from './db/listener';
import { CHANNELS, type Channel } from './db/notify';
import { LiveHub, TOPICS } from './graphql/live-hub';
import { createLoaders } from './loaders';
import type { Logger } from './logger';
import type { AgentRun } from './modules/agent-run/agent-run.type';
import { tierDistribution } from './modules/community-user/tier-distribution';

type RunPayload = Omit<AgentRun, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string | null; truncated?: boolean };

export class LiveUpdates {
  readonly hub = new LiveHub();
  private readonly listener: NotificationListener;
  private readonly db: Db;
  /** Agent run and snapshot events go out in the order they were notified, even when one needs a read. */
  private ordered: Promise<void> = Promise.resolve();
  private tierCount: Promise<void> | null = null;
  private tierAgain = false;

  constructor(
    url: string,
    pool: Pool,
    private readonly log: Logger,
    private readonly resultCache?: ResultCache,
  ) {
    this.db = new Db(pool);
    this.listener = new NotificationListener({
      url,
      log,
      onNotification: (channel, payload) => this.received(channel, payload),
      // Notifications sent while the connection was down are lost: the distribution may have changed meanwhile.
      onListening: () => this.countTiers(),
    });
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  /** Completes every subscription, then stops listening. */
  async stop(): Promise<void> {
    this.hub.close();
    await this.listener.stop();
  }

  private received(channel: Channel, payload: string): void {
    if (channel === CHANNELS.tiers) return this.countTiers();
    if (channel === CHANNELS.writes) return this.resultCache?.announced(payload);
    if (channel === CHANNELS.agentRun) this.invalidate(payload);
    const work = channel === CHANNELS.agentRun ? () => this.agentRun(payload) : () => this.snapshot(payload);
    this.ordered = this.ordered.then(work).catch((err) => this.log.warn({ err, channel }, 'live updates: an event was dropped'));
  }

  /** What the run's committed status change wrote, out of this process's own cache. */
  private invalidate(payload: string): void {
    if (!this.resultCache || this.resultCache.shared) return;
    try {
      const { agentName, status } = JSON.parse(payload) as Pick<RunPayload, 'agentName' | 'status'>;
      void this.resultCache.invalidate(tablesWrittenByRun(agentName, status));
    } catch (err) {
      this.log.warn({ err }, 'live updates: an agent run notification could not be read for the cache');
    }
  }

  private async agentRun(payload: string): Promise<void> {
    if (!this.hub.count(TOPICS.agentRun)) return;
    const sent = JSON.parse(payload) as RunPayload;
    const run: AgentRun | null = sent.truncated
      ? await createLoaders(this.db).agentRun.load(Number(sent.id))
      : { ...sent, startedAt: new Date(sent.startedAt), finishedAt: sent.finishedAt === null ? null : new Date(sent.finishedAt) };
    if (run) this.hub.publish(TOPICS.agentRun, run);
  }

  private async snapshot(payload: string): Promise<void> {
    if (!this.hub.count(TOPICS.snapshot)) return;
    const row = await createLoaders(this.db).performanceSnapshot.load(Number(payload));
    if (row) this.hub.publish(TOPICS.snapshot, row);
  }

  /** One count at a time; notifications that come meanwhile make one more count after it. */
  private countTiers(): void {
    if (!this.hub.count(TOPICS.tiers)) return;
    if (this.tierCount) {
      this.tierAgain = true;
      return;
    }
    this.tierCount = (async () => {
      do {
        this.tierAgain = false;
        try {
          this.hub.publish(TOPICS.tiers, await tierDistribution(this.db));
        } catch (err) {
          this.log.warn({ err }, 'live updates: could not count the tier distribution');
        }
      } while (this.tierAgain);
      this.tierCount = null;
    })();
  }
}
