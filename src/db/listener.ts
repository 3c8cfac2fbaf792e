/**
 * The listening side of the live updates (docs/api.md "Subscriptions"): ONE dedicated connection per
 * server process (not a pooled one: LISTEN belongs to a session, and a pooled connection is lent to
 * the next request), LISTENing on every channel of src/db/notify.ts.
 *
 * A connection that fails or drops (pg_terminate_backend, a restart, the network) is replaced after
 * a pause that doubles from 100 ms up to 5 s, and LISTENs again; its errors are logged, never thrown,
 * like the pool's (src/db/pool.ts), so the process survives the database going away. Notifications
 * sent while no connection listens are lost: `onListening` runs after every (re)connection so that
 * consumers can catch up on state (src/live.ts re-reads the tier distribution).
 */
import { Client, Notification } from 'pg';
import type { Logger } from '../logger';
import { CHANNELS, type Channel } from './notify';

const APPLICATION_NAME = 'creator-analytics-api:listener';
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 5000;

export interface ListenerDeps {
  url: string;
  log: Logger;
  onNotification(channel: Channel, payload: string): void;
  /** After each successful LISTEN (the first one included). */
  onListening?(): void;
}

export class NotificationListener {
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(private readonly deps: ListenerDeps) {}

  /** Whether a connection LISTENs now (for /metrics). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Connects and LISTENs; a failure is logged and retried in the background, never thrown. */
  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    // TCP keepalive from 10 s on: a connection cut without a word (a network partition) is noticed in about a minute.
    const client = new Client({
      connectionString: this.deps.url,
      application_name: APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return; // a cut connection reports twice (PostgreSQL's FATAL, then the socket's end)
      lost = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      const pause = Math.min(FIRST_PAUSE_MS * 2 ** this.failures, MAX_PAUSE_MS);
      this.failures += 1;
      this.deps.log.warn({ err: err?.message ?? 'connection ended', retryInMs: pause }, 'live updates: the listening connection was lost');
      this.timer = setTimeout(() => void this.connect(), pause);
      this.timer.unref();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg: Notification) => this.deps.onNotification(msg.channel as Channel, msg.payload ?? ''));
    try {
      await client.connect();
      await client.query(
        Object.values(CHANNELS)
          .map((channel) => `LISTEN ${channel}`)
          .join('; '),
      );
    } catch (err) {
      onLost(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (lost) return;
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures > 0) this.deps.log.info({ attempts: this.failures }, 'live updates: listening again');
    this.failures = 0;
    this.deps.onListening?.();
  }
}
