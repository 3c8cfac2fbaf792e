/** Collects bound parameters while a statement is assembled: `p.add(v)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add = (value: unknown): string => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}
