/**
 * Keyset pagination (docs/api.md "Pagination"): `WHERE (key, id) < (cursorKey, cursorId)`, never OFFSET,
 * so a deep page costs what the first one does. A cursor is base64url JSON `[keyText, id]`; the key
 * travels as PostgreSQL's own text form of the value (`col::text`), so timestamps keep their
 * microseconds and floats their exact value, and every row comes exactly once.
 */
export type KeyCast = 'timestamptz' | 'float8' | 'int8';

export interface KeysetOrder {
  /** Qualified SQL column of the sort key, from code only (never from input). */
  key: string;
  keyCast: KeyCast;
  /** Nullable keys sort nulls last in both directions (docs/api.md). */
  nullable: boolean;
  id: string;
  desc: boolean;
}

export interface Cursor {
  key: string | null;
  id: number;
}

export function encodeCursor(key: string | null, id: number | string): string {
  return Buffer.from(JSON.stringify([key, Number(id)])).toString('base64url');
}

/** The cursor in `raw`, or null when it is not one this API wrote (the caller says why to the client). */
export function decodeCursor(raw: string): Cursor | null {
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [key, id] = parsed as [unknown, unknown];
  if (!(key === null || typeof key === 'string') || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return null;
  return { key, id };
}

const KEY_PATTERNS: Record<KeyCast, RegExp> = {
  // PostgreSQL's timestamptz output, e.g. 2026-11-28 10:00:00.123456+00
  timestamptz: /^\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/,
  float8: /^-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity|NaN)$/i,
  int8: /^-?\d{1,19}$/,
};

const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether PostgreSQL's cast of the key text would succeed (no 2026-02-30, no 1e999, no int8 overflow). */
function keyFits(key: string, cast: KeyCast): boolean {
  if (!KEY_PATTERNS[cast].test(key)) return false;
  if (cast === 'timestamptz') {
    const [y, mo, d, h, mi, s] = key.split(/[- :.+]/, 6).map(Number);
    const offset = /[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/
      .exec(key)!
      .slice(1)
      .map((v) => Number(v ?? 0));
    return (
      y >= 1 &&
      y <= 294275 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= (mo === 2 && leap(y) ? 29 : DAYS[mo - 1]) &&
      h <= 23 &&
      mi <= 59 &&
      s <= 59 &&
      offset[0] <= 15 &&
      offset[1] <= 59 &&
      offset[2] <= 59
    );
  }
  if (cast === 'float8') {
    if (/^(-?Infinity|NaN)$/i.test(key)) return true;
    const n = Number(key);
    return Number.isFinite(n) && (n !== 0 || /^-?0+(\.0+)?(e[+-]?\d+)?$/i.test(key)); // 1e-999 underflows to an error
  }
  const n = BigInt(key);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** Whether a decoded cursor fits this order, so that a bad one is refused as input, not as a SQL error. */
export function cursorFits(cursor: Cursor, order: KeysetOrder): boolean {
  return cursor.key === null ? order.nullable : keyFits(cursor.key, order.keyCast);
}

/** ORDER BY in the order's direction, or exactly reversed (`backward`, for `last`/`before`: the same index read backwards). */
export function orderBySql(o: KeysetOrder, backward = false): string {
  const desc = o.desc !== backward;
  const dir = desc ? 'DESC' : 'ASC';
  // Non-null keys keep PostgreSQL's default null placement so that a (key, id) btree serves both
  // directions; nullable keys put nulls last in both, as the contract says (first when read backwards).
  if (!o.nullable) return `${o.key} ${dir}, ${o.id} ${dir}`;
  return `${o.key} ${dir} NULLS ${backward ? 'FIRST' : 'LAST'}, ${o.id} ${dir}`;
}

/**
 * The rows on one side of a cursor in the order: `after` (what follows it) or `before` (what precedes
 * it); `inclusive` keeps the cursor's own row too. `param(v)` binds a value and returns its placeholder.
 */
export function boundSql(o: KeysetOrder, c: Cursor, side: 'after' | 'before', param: (v: unknown) => string, inclusive = false): string {
  const forward = side === 'after';
  const cmp = (forward ? o.desc : !o.desc) ? '<' : '>';
  const idCmp = inclusive ? `${cmp}=` : cmp;
  const id = `${param(c.id)}::int8`; // an int4 id column compares with it; a forged id above int4 is no SQL error
  if (c.key === null) {
    // Null keys come last: after a null key only nulls follow; before it, every non-null key too.
    const nulls = `(${o.key} IS NULL AND ${o.id} ${idCmp} ${id})`;
    return forward ? nulls : `(${o.key} IS NOT NULL OR ${nulls})`;
  }
  const key = `${param(c.key)}::${o.keyCast}`;
  if (!o.nullable) return `(${o.key}, ${o.id}) ${idCmp} (${key}, ${id})`;
  const keyed = `${o.key} ${cmp} ${key} OR (${o.key} = ${key} AND ${o.id} ${idCmp} ${id})`;
  return forward ? `(${keyed} OR ${o.key} IS NULL)` : `(${keyed})`;
}

/** The SQL that selects a row's cursor key text. */
export const keyTextSql = (o: KeysetOrder): string => `${o.key}::text`;
