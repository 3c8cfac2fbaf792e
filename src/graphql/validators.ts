/**
 * class-validator decorators for the write inputs (api.md "Writes"). Each message starts with the
 * property name; validateInput() puts the argument path in front ("input.topic: topic must ...").
 */
import { registerDecorator, ValidationArguments } from 'class-validator';

/** PostgreSQL text cannot hold U+0000: refuse it here instead of failing inside SQL. */
const hasNul = (s: string): boolean => s.includes('\u0000');

/** Characters as PostgreSQL counts them (code points), not UTF-16 units. */
function codePoints(s: string, stopAfter: number): number {
  if (s.length <= stopAfter) return s.length; // never more code points than units
  let n = 0;
  for (const _ of s) if (++n > stopAfter) break;
  return n;
}

function textProblem(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (hasNul(value)) return 'must not contain the NUL character (U+0000)';
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'must not be empty or only whitespace';
  if (codePoints(trimmed, max) > max) return `must be at most ${max} characters after trimming`;
  return null;
}

/** A required name: 1..max characters after trimming (the service stores the trimmed text). */
export function TrimmedText(max: number) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'trimmedText',
      target: object.constructor,
      propertyName,
      constraints: [max],
      validator: {
        validate: (value: unknown) => textProblem(value, max) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${textProblem(args.value, max)}`,
      },
    });
}

/** Free text (summary, url, ...): anything PostgreSQL text can store. */
export function StorableText() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'storableText',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !hasNul(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must not contain the NUL character (U+0000)`,
      },
    });
}

export const MAX_JSON_DEPTH = 100;

/** Why a JSON value cannot go into a jsonb column, or null. Depth bounds PostgreSQL's recursion. */
function jsonProblem(value: unknown, depth = 0): string | null {
  if (depth > MAX_JSON_DEPTH) return `must not nest deeper than ${MAX_JSON_DEPTH} levels`;
  if (typeof value === 'string') return hasNul(value) ? 'must not contain the NUL character (U+0000)' : null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must hold only finite numbers';
  if (value === null || typeof value !== 'object') return null;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (hasNul(key)) return 'must not contain the NUL character (U+0000)';
    const p = jsonProblem(v, depth + 1);
    if (p) return p;
  }
  return null;
}

/** A JSON value that jsonb accepts. */
export function StorableJson() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'storableJson',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => jsonProblem(value) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${jsonProblem(args.value)}`,
      },
    });
}

/** A date-time that must not lie before another date-time property of the same input. */
export function NotBefore(other: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'notBefore',
      target: object.constructor,
      propertyName,
      constraints: [other],
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const start = (args.object as Record<string, unknown>)[other];
          if (!(value instanceof Date) || !(start instanceof Date)) return true;
          return value.getTime() >= start.getTime();
        },
        defaultMessage: (args: ValidationArguments) => `${args.property} must not be before ${other}`,
      },
    });
}
