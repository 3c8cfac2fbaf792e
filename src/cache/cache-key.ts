/** Cache keys: the field name and a digest of its arguments in canonical JSON. */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, Dates as ISO strings and undefined members left out,
 * so that equal arguments give equal text whatever order or class they arrived in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

/** `engagementTimeSeries:<sha1 of the canonical arguments>`: short, fixed-length Redis keys. */
export function cacheKey(field: string, args: unknown): string {
  return `${field}:${createHash('sha1').update(canonicalJson(args)).digest('hex')}`;
}
