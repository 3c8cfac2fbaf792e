/**
 * Validation of input arguments with messages that name the field from the argument down
 * ("input.topic", "input[3].userId"). type-graphql's own validation reports only the property
 * ("topic") and drops list indexes, so write arguments use `validateFn: validateInput('input')`.
 */
import { validate, ValidatorOptions } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { BadUserInputError } from '../errors';
import { describeValidationErrors } from './format-error';
import { INT4_MAX, parseId, truncate } from './ids';

// Optional fields left out (or null) are not validated; required ones are non-null in GraphQL.
const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

/** BAD_USER_INPUT for one or more "path: problem" lines; extensions.fields lists the paths. */
export function invalidInput(lines: string[], note = ''): BadUserInputError {
  const fields = lines.map((l) => l.slice(0, l.indexOf(':')));
  return new BadUserInputError(`Invalid input: ${lines.join('; ')}${note}`, fields[0], { fields });
}

export const fieldError = (field: string, problem: string): BadUserInputError => invalidInput([`${field}: ${problem}`]);

export function validateInput(argName: string): ValidatorFn {
  return async (value) => {
    if (value === null || typeof value !== 'object') return;
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const lines: string[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null || typeof item !== 'object') continue;
      const errors = await validate(item as object, OPTIONS);
      if (errors.length) lines.push(...describeValidationErrors(errors, Array.isArray(value) ? `${argName}[${i}]` : argName));
    }
    if (lines.length) throw invalidInput(lines);
  };
}

/** "input.insightId: no insight has id "42"": a referenced row that does not exist. */
export const unknownRef = (field: string, what: string, id: string | number): BadUserInputError =>
  fieldError(field, `no ${what} has id "${truncate(String(id))}"`);

/**
 * The id of a referenced row: malformed is BAD_USER_INPUT (parseId); beyond the int4 key range it
 * cannot exist, and must not reach SQL as an int4 parameter (that would be a 22003 error).
 */
export function refId(raw: string, field: string, what: string): number {
  const id = parseId(raw, field);
  if (id > INT4_MAX) throw unknownRef(field, what, raw);
  return id;
}
