/**
 * The in-process fan-out of the live updates (docs/api.md "Subscriptions"): type-graphql's PubSub for
 * the Subscription fields. src/live.ts publishes what the database notified; each subscription
 * takes the events of its topic from its own bounded queue.
 *
 * Written here rather than taken from @graphql-yoga/subscription because two properties matter and
 * that one has neither: a subscriber is registered the moment it subscribes (not at its first read),
 * and a subscriber that falls behind is ended with an error instead of throwing inside the publisher.
 */
import { defaultFieldResolver, GraphQLError, GraphQLSchema } from 'graphql';
import type { PubSub } from 'type-graphql';
import type { Context } from '../context';

export const TOPICS = {
  agentRun: 'AGENT_RUN_UPDATED',
  tiers: 'TIER_DISTRIBUTION_CHANGED',
  snapshot: 'PERFORMANCE_SNAPSHOT_CREATED',
} as const;

/** Events a subscription may leave unsent (a client that does not read its socket) before it is ended with an error. */
export const MAX_PENDING_EVENTS = 1000;

export class LiveHub implements PubSub {
  private readonly topics = new Map<string, Set<EventQueue>>();
  private closed = false;

  publish(topic: string, payload: unknown): void {
    for (const queue of this.topics.get(topic) ?? []) queue.push(payload);
  }

  subscribe(topic: string): AsyncIterableIterator<unknown> {
    let queues = this.topics.get(topic);
    if (!queues) this.topics.set(topic, (queues = new Set()));
    const queue: EventQueue = new EventQueue(() => queues.delete(queue));
    queues.add(queue);
    if (this.closed) queue.end();
    return queue;
  }

  /** Subscriptions open now on `topic`. */
  count(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** Ends every subscription (each completes normally) and every later one at once: the server is stopping. */
  close(): void {
    this.closed = true;
    for (const queues of this.topics.values()) for (const queue of [...queues]) queue.end();
  }
}

/**
 * A subscription keeps one context for its whole life; each event is a new answer, so its nested
 * fields read through loaders emptied first (no row cached from an earlier event).
 */
export function wrapSubscriptionFields(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args, context: Context, info) => {
      context.loaders.reset();
      return resolve(root, args, context, info);
    };
  }
  return schema;
}

/** One subscription's events, oldest first. */
class EventQueue implements AsyncIterableIterator<unknown> {
  private readonly items: unknown[] = [];
  private waiting: { resolve: (r: IteratorResult<unknown>) => void; reject: (e: Error) => void } | null = null;
  private ended = false;
  private failure: Error | null = null;

  constructor(private readonly onEnd: () => void) {}

  push(value: unknown): void {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
    } else if (this.items.length >= MAX_PENDING_EVENTS) {
      this.fail(
        new GraphQLError(`This subscription fell ${MAX_PENDING_EVENTS} events behind (the client does not read them) and was ended.`, {
          extensions: { code: 'SUBSCRIPTION_BEHIND' },
        }),
      );
    } else {
      this.items.push(value);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    if (this.waiting && !this.items.length) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift(), done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<unknown>> {
    this.items.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<unknown>> {
    this.return();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }

  private fail(err: Error): void {
    this.items.length = 0;
    this.failure = err;
    this.end();
  }
}
