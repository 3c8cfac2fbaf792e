/** Collects bound parameters while a statement is assembled: `p.add(v)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add = (value: unknown): string => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}

/** The largest int4 key: an id above it names no row of an int4 key column and must not reach SQL as int4. */
export const INT4_MAX = 2147483647;
