/**
 * Expected values for the analytics tests, computed in TypeScript from the rows the factories wrote
 * (never by re-running the server's SQL). Local calendar parts come from Intl.
 */
import type { ContentRow } from '../support/factories';

export interface Agg {
  contentCount: number;
  impressions: number;
  avgEngagementRate: number | null;
}

export function aggregate(rows: Pick<ContentRow, 'views' | 'engagementRate'>[]): Agg {
  const rated = rows.filter((r) => r.engagementRate !== null);
  return {
    contentCount: rows.length,
    impressions: rows.reduce((s, r) => s + (r.views ?? 0), 0),
    avgEngagementRate: rated.length ? rated.reduce((s, r) => s + r.engagementRate!, 0) / rated.length : null,
  };
}

/**
 * The expected series for explicit bucket starts (ISO instants): bucket i holds
 * [starts[i], starts[i + 1]) intersected with [from, to); the last one ends at `to`.
 */
export function expectedSeries(rows: ContentRow[], starts: string[], from: Date, to: Date) {
  return starts.map((start, i) => {
    const lo = Math.max(Date.parse(start), from.getTime());
    const hi = i + 1 < starts.length ? Date.parse(starts[i + 1]) : to.getTime();
    const inside = rows.filter((r) => r.publishedAt.getTime() >= lo && r.publishedAt.getTime() < hi && r.publishedAt < to);
    return { bucketStart: start, ...aggregate(inside) };
  });
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO day of week (1 = Monday) and hour of an instant in an IANA zone. */
export function localParts(d: Date, timeZone: string): { dayOfWeek: number; hourOfDay: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { dayOfWeek: WEEKDAYS.indexOf(get('weekday')) + 1, hourOfDay: Number(get('hour')) };
}

/** Floats from PostgreSQL and from TypeScript sums may differ in the last bits. */
export function roundFloats<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e9) / 1e9 : v));
}

/**
 * The one shape of an argument error: BAD_USER_INPUT naming the top-level argument and the full
 * path of the one offending value; the message is "Invalid input: <path>: <problem>".
 */
export const expectBadInput = (
  res: { errors?: { message: string; extensions?: Record<string, any> }[] },
  argument: string,
  problem: RegExp,
  path = argument,
) => {
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: argument, fields: [path] });
  expect(res.errors![0].message.startsWith(`Invalid input: ${path}: `)).toBe(true);
  expect(res.errors![0].message.slice(`Invalid input: ${path}: `.length)).toMatch(problem);
};
