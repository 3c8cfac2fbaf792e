/**
 * The project's own class-validator decorators, used beside the built-ins (Min, Max, IsPositive, ...)
 * on @ArgsType and @InputType classes and checked by validateArgs (./validation.ts). Each message
 * is the problem alone ("must be between 0 and 100, got 101"): the error puts the path in front.
 * What every value must be (no NUL, well-formed UTF-16, finite, bounded nesting) needs no decorator:
 * validateArgs checks it for every value given, before these rules.
 * Validation is synchronous: a rule that needs the database runs after validation, through invalidArgs.
 */
import { IsDefined, registerDecorator } from './class-validator';
import type { ValidationArguments, ValidationOptions } from 'class-validator';
import { decodeCursor } from '../db/sql/keyset';
import { isKnownTimeZone } from '../db/time-zones';
import { fromGlobalId } from './node';
import { quote } from './validation';

type Check = (value: unknown, args: ValidationArguments) => boolean;

/**
 * One rule on one property: `validate` is called only for a value that was given (not null).
 * `{ each: true }`: for each given item of a list instead.
 */
function rule(name: string, validate: Check, message: (args: ValidationArguments) => string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options, validator: { validate, defaultMessage: message } });
}

/** An argument with a default that must not be sent as null (null would not mean the default). */
export const NotNull = () => IsDefined({ message: 'must not be null; leave it out for its default' });

/** An integer within [min, max]. */
export function IntRange(min: number, max: number) {
  return rule(
    'intRange',
    (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    (a) => `must be between ${min} and ${max}, got ${a.value}`,
  );
}

/** A list of min..max items. */
export function ListLength(min: number, max: number) {
  return rule(
    'listLength',
    (v) => Array.isArray(v) && v.length >= min && v.length <= max,
    (a) => `must hold ${min} to ${max} items, got ${(a.value as unknown[]).length}`,
  );
}

/** A list that names each value at most once. */
export function DistinctItems() {
  const repeated = (v: unknown[]) => v.find((x, i) => v.indexOf(x) !== i);
  return rule(
    'distinctItems',
    (v) => Array.isArray(v) && repeated(v) === undefined,
    (a) => `must not name ${String(repeated(a.value as unknown[]))} more than once`,
  );
}

const ENTITY_ID = /^[1-9][0-9]{0,15}$/;

/**
 * The ID of a row: the decimal text of a positive integer within the safe integer range (int8 keys
 * go no further in practice). Read it with entityId() once validated.
 */
export function IsEntityId(options?: Pick<ValidationOptions, 'each'>) {
  return rule(
    'isEntityId',
    (v) => typeof v === 'string' && ENTITY_ID.test(v) && (v.length < 16 || Number.isSafeInteger(Number(v))),
    (a) => `must be the ID of a row (a positive integer), got ${quote(String(a.value))}`,
    options,
  );
}

/** A list with as many items as the list in another property of the same object (when both are given). */
export function SameLength(other: string) {
  const otherLength = (a: ValidationArguments) => ((a.object as Record<string, unknown>)[other] as unknown[] | null | undefined)?.length;
  return rule(
    'sameLength',
    (v, a) => Array.isArray(v) && (otherLength(a) === undefined || v.length === otherLength(a)),
    (a) => `must hold as many items as ${other} (${otherLength(a)}), got ${(a.value as unknown[]).length}`,
  );
}

/** A validated ID argument as the number it names. */
export function entityId(raw: string): number;
export function entityId(raw: string | null | undefined): number | null;
export function entityId(raw: string | null | undefined): number | null {
  return raw === null || raw === undefined ? null : Number(raw);
}

/** A time zone name PostgreSQL knows, Area/Location style (the rule is in src/db/time-zones.ts). */
export function IsTimeZone() {
  return rule(
    'isTimeZone',
    (v) => typeof v === 'string' && isKnownTimeZone(v),
    (a) => `must be an IANA time zone name such as "Europe/Berlin" or "UTC", got ${quote(String(a.value))}`,
  );
}

/** A cursor this API wrote (whether it fits the field's order is checked by pageArgs). */
export function IsCursor() {
  return rule(
    'isCursor',
    (v) => typeof v === 'string' && decodeCursor(v) !== null,
    () => 'is not a cursor returned by this field',
  );
}

/** Every item a nodeId this API wrote (src/graphql/node.ts); whether its row exists is not checked here. */
export function IsNodeId(options: { each?: boolean } = {}) {
  return rule(
    'isNodeId',
    (v) => typeof v === 'string' && fromGlobalId(v) !== null,
    (a) => `must be a nodeId returned by this API (base64 of "<TypeName>:<id>"), got ${quote(String(a.value))}`,
    options,
  );
}

/** A date-time after (strict) or not before another date-time property of the same object. */
function comparedWith(other: string, strict: boolean) {
  const otherValue = (a: ValidationArguments) => (a.object as Record<string, unknown>)[other];
  return rule(
    strict ? 'after' : 'notBefore',
    (v, a) => {
      const start = otherValue(a);
      if (!(v instanceof Date) || !(start instanceof Date)) return true;
      return strict ? v.getTime() > start.getTime() : v.getTime() >= start.getTime();
    },
    (a) =>
      `must ${strict ? 'be after' : 'not be before'} ${other} (${other} ${(otherValue(a) as Date).toISOString()}, got ${(a.value as Date).toISOString()})`,
  );
}

export const After = (other: string) => comparedWith(other, true);
export const NotBefore = (other: string) => comparedWith(other, false);

/** Characters as PostgreSQL counts them (code points), not UTF-16 units. */
function codePoints(s: string, stopAfter: number): number {
  if (s.length <= stopAfter) return s.length; // never more code points than units
  let n = 0;
  for (const _ of s) if (++n > stopAfter) break;
  return n;
}

function textProblem(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return 'must be a string';
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'must not be empty or only whitespace';
  if (codePoints(trimmed, max) > max) return `must be at most ${max} characters after trimming`;
  return null;
}

/** A required name: 1..max characters after trimming (the service stores the trimmed text). */
export function TrimmedText(max: number) {
  return rule(
    'trimmedText',
    (v) => textProblem(v, max) === null,
    (a) => textProblem(a.value, max)!,
  );
}
