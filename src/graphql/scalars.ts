/** The contract's scalars, by name: DateTime, JSON, SafeInt (graphql-scalars). */
import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver, SafeIntResolver } from 'graphql-scalars';

// Four-digit years parse, but PostgreSQL has no year 0 and cannot read "+010000-..." back, so
// 0000-12-31T23:00:00Z or 9999-12-31T23:00:00-05:00 would fail inside SQL instead of as input.
const MIN_DATE = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_DATE = Date.parse('9999-12-31T23:59:59.999Z');

function storable(date: Date): Date {
  const t = date.getTime();
  if (t < MIN_DATE || t > MAX_DATE)
    throw new TypeError('DateTime must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (UTC)');
  return date;
}

/** The output form itself; cached answers (src/cache) carry dates as this text already. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** UTC with or without milliseconds: what clients send most (an ingest batch holds thousands). */
const PLAIN_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

/**
 * The Date of a plain UTC text that names a real instant (no February 30th, no 24:00, no leap
 * second): the one whose toISOString() gives the text back, so that graphql-scalars' validation
 * (three regular expressions and a calendar check, ~1.5 µs a value) would accept it and return the
 * same Date. Null for anything else, which then takes graphql-scalars' path and its errors.
 * BENCHMARKS.md "bench:ingest" says what it saves.
 */
function plainUtc(value: string): Date | null {
  if (!PLAIN_UTC.test(value)) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return (value.length === 24 ? iso === value : iso.endsWith('.000Z') && iso.startsWith(value.slice(0, 19))) ? date : null;
}

/**
 * graphql-scalars' DateTime, with output always UTC with milliseconds
 * (2026-11-28T10:00:00.000Z) and inputs any RFC 3339 / ISO-8601 date-time with an offset.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time. Output is always UTC with milliseconds, e.g. 2026-11-28T10:00:00.000Z.',
  serialize(value) {
    if (typeof value === 'string' && CANONICAL_UTC.test(value)) return value;
    const d = value instanceof Date ? value : (DateTimeResolver.serialize(value) as unknown);
    const date = d instanceof Date ? d : new Date(String(d));
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    const fast = typeof value === 'string' ? plainUtc(value) : null;
    return storable(fast ?? (DateTimeResolver.parseValue(value) as Date));
  },
  parseLiteral(ast, vars) {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be a string such as 2026-11-28T10:00:00Z');
    return storable(DateTimeResolver.parseLiteral(ast, vars) as Date);
  },
});

export const JSONScalar = JSONResolver;
export const SafeIntScalar = SafeIntResolver;
