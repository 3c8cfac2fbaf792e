/**
 * The publish side of the live updates (docs/api.md "Subscriptions"): PostgreSQL NOTIFY, queued by the
 * very statement that writes, so it is part of that statement's transaction. PostgreSQL delivers a
 * notification to the listeners (src/db/listener.ts, one per server process) only when that
 * transaction commits, in commit order, and never for one that rolls back: no "sent but not written"
 * and no second round trip.
 *
 * Each write that publishes puts `notifyJoin(...)` in the FROM list of its statement: a LEFT JOIN
 * LATERAL that calls pg_notify once per row of the statement (when `when` holds) and adds no column.
 */

/** The channels, one per subscription field. Spliced into SQL: only these constants ever are. */
export const CHANNELS = {
  /** Payload: the agent run row as JSON (AGENT_RUN_COLUMNS' keys), or {id, status, agentName, truncated} when it is too long. */
  agentRun: 'creator_analytics_agent_run',
  /** Payload: empty; the distribution is counted by each listening process after the commit (src/live.ts). */
  tiers: 'creator_analytics_tiers',
  /** Payload: the snapshot id. */
  snapshot: 'creator_analytics_snapshot',
  /** Payload: "<cache id> <table>,<table>": what a process's in-memory result cache invalidated (src/cache/announce.ts). */
  writes: 'creator_analytics_writes',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** PostgreSQL refuses a payload of 8000 bytes or more (and would fail the write with it): longer ones send a short form. */
export const MAX_PAYLOAD_BYTES = 7999;

/**
 * A LATERAL join that queues `pg_notify(channel, payload)` for each row it joins, when `when` holds.
 * `payload` and `when` are SQL expressions over the statement's own row (code, never input).
 */
export function notifyJoin(channel: Channel, payload: string, when = 'true'): string {
  return `LEFT JOIN LATERAL (SELECT pg_notify('${channel}', ${payload}) WHERE ${when}) AS notified ON true`;
}

/**
 * The payload expression for a row `alias` whose JSON is wanted in full, else `short` (a smaller
 * JSON object expression) when the full text would not fit in a notification.
 */
export function rowPayload(alias: string, short: string): string {
  return `CASE WHEN octet_length(to_jsonb(${alias})::text) <= ${MAX_PAYLOAD_BYTES} THEN to_jsonb(${alias})::text ELSE (${short})::text END`;
}
