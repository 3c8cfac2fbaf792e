/**
 * The time zone names arguments may use: PostgreSQL's own list (pg_timezone_names), read once at
 * start-up, so that a name we accept is one the SQL understands, with the same rules. Kept are
 * `UTC` and the Area/Location names (`Europe/Berlin`, `America/Argentina/Salta`, `Etc/GMT+3`);
 * left out are the names without an area, which are legacy aliases or not zones at all (`EST`,
 * `MST`, `HST`, `EST5EDT`, `GMT0`, `Cuba`, `posixrules`, `localtime`, `Factory`), and the `posix/`
 * and `right/` copies some builds ship. Abbreviations and POSIX strings (`CEST`, `UTC+3`) are not
 * names at all.
 */
import type { Db } from './db';

let zones: ReadonlySet<string> | null = null;

const isZoneName = (name: string): boolean =>
  name === 'UTC' || (name.includes('/') && !name.startsWith('posix/') && !name.startsWith('right/'));

export async function loadTimeZones(db: Pick<Db, 'query'>): Promise<void> {
  const rows = await db.query<{ name: string }>('SELECT name FROM pg_timezone_names');
  zones = new Set(rows.map((r) => r.name).filter(isZoneName));
}

export function isKnownTimeZone(name: string): boolean {
  if (!zones) throw new Error('time zones are not loaded: start-up calls loadTimeZones(db)');
  return zones.has(name);
}
