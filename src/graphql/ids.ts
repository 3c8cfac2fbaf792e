import { BadUserInputError } from '../errors';

export const INT4_MAX = 2147483647;

/**
 * An ID argument: the decimal string of a positive integer primary key. Anything else is
 * BAD_USER_INPUT naming the argument (api.md "Reads").
 */
export function parseId(raw: string | number, argumentName: string): number {
  const text = String(raw);
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new BadUserInputError(`${argumentName} must be the ID of a row (a positive integer), got "${truncate(text)}"`, argumentName);
  }
  return Number(text);
}

export function parseOptionalId(raw: string | null | undefined, argumentName: string): number | null {
  return raw === null || raw === undefined ? null : parseId(raw, argumentName);
}

export const truncate = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n)}...` : s);
