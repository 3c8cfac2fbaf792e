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

/** `n` ASCII digits of `s` from `at` as a number; -1 if any is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const [DASH, COLON, DOT, T, Z] = ['-', ':', '.', 'T', 'Z'].map((c) => c.charCodeAt(0));

/**
 * The Date of a plain UTC text, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.mmmZ` (what clients
 * send most: an ingest batch holds thousands), that names a real instant (no February 30th, no
 * 24:00, no leap second): the text read field by field, so that graphql-scalars' validation (three
 * regular expressions and a calendar check, ~1.5 µs a value) would accept it and return the same
 * Date. Null for anything else, which then takes graphql-scalars' path and its errors.
 * BENCHMARKS.md "bench:ingest" says what it saves.
 */
function plainUtc(v: string): Date | null {
  const n = v.length;
  if (n !== 20 && n !== 24) return null;
  if (v.charCodeAt(4) !== DASH || v.charCodeAt(7) !== DASH || v.charCodeAt(10) !== T) return null;
  if (v.charCodeAt(13) !== COLON || v.charCodeAt(16) !== COLON || v.charCodeAt(n - 1) !== Z) return null;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  const ms = n === 20 ? 0 : v.charCodeAt(19) === DOT ? digits(v, 20, 3) : -1;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return null;
  if (day > (month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (year < 100) date.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  return date;
}

const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()` for the dates DateTime takes (years 0001-9999, test/scalars.test.ts compares
 * the two over that range), in about a third of the time: V8's own costs ~0.8 µs a date, which
 * recordInteractions pays for every timestamp of a batch. The calendar date of the day number is
 * Howard Hinnant's days_from_civil inverted (400-year eras); other dates take toISOString.
 */
export function utcText(date: Date): string {
  const t = date.getTime();
  if (!(t >= MIN_DATE && t <= MAX_DATE)) return date.toISOString();
  const days = Math.floor(t / DAY_MS);
  let ms = t - days * DAY_MS;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100)); // from March 1st
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(ms / 3_600_000);
  ms -= hour * 3_600_000;
  const minute = Math.floor(ms / 60_000);
  ms -= minute * 60_000;
  const second = Math.floor(ms / 1000);
  ms -= second * 1000;
  const y = year < 1000 ? `000${year}`.slice(-4) : `${year}`;
  return `${y}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}Z`;
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
