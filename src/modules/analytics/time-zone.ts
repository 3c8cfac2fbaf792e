/**
 * Time zone arguments are checked against PostgreSQL's own list (pg_timezone_names), read once per
 * process, so that a name we accept is one the SQL understands, with the same rules. Abbreviations
 * and POSIX strings ("EST", "UTC+3") are refused: only names from that list pass.
 */
import type { Db } from '../../db/db';
import { BadUserInputError } from '../../errors';
import { truncate } from '../../graphql/ids';

let zones: Promise<Set<string>> | null = null;

function knownZones(db: Db): Promise<Set<string>> {
  zones ??= db.query<{ name: string }>('SELECT name FROM pg_timezone_names').then(
    (rows) => new Set(rows.map((r) => r.name)),
    (err) => {
      zones = null; // retry on the next request
      throw err;
    },
  );
  return zones;
}

/** The zone name, or BAD_USER_INPUT naming the argument. null means the default, UTC. */
export async function checkTimeZone(db: Db, timeZone: string | null | undefined, argumentName = 'timeZone'): Promise<string> {
  const name = timeZone ?? 'UTC';
  if (!(await knownZones(db)).has(name)) {
    throw new BadUserInputError(`${argumentName} must be an IANA time zone name such as "Europe/Berlin", got "${truncate(name)}"`, argumentName);
  }
  return name;
}
