/**
 * A small seeded PRNG (mulberry32: 32-bit state, full period 2^32, fast in V8 because every step
 * stays in int32 arithmetic) and the few distributions the seed data needs.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and log-space sigma: views, execution times. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto with minimum 1 and shape alpha: a heavy tail (a few users do most of the activity). */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }
}

/** A weighted choice among a fixed list, by cumulative weights (a handful of items: linear scan). */
export class Weighted<T> {
  private readonly cum: number[] = [];
  private readonly items: T[] = [];

  constructor(entries: readonly (readonly [T, number])[]) {
    let total = 0;
    for (const [, w] of entries) total += w;
    let acc = 0;
    for (const [item, w] of entries) {
      acc += w / total;
      this.items.push(item);
      this.cum.push(acc);
    }
    this.cum[this.cum.length - 1] = 1;
  }

  pick(rng: Rng): T {
    const u = rng.next();
    for (let i = 0; i < this.cum.length; i++) if (u < this.cum[i]) return this.items[i];
    return this.items[this.items.length - 1];
  }
}

/** Many weighted items (one per user): binary search over a cumulative Float64Array. */
export class CumulativeSampler {
  constructor(private readonly cum: Float64Array) {}

  static fromWeights(weights: Float64Array): CumulativeSampler {
    const cum = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) cum[i] = acc += weights[i];
    return new CumulativeSampler(cum);
  }

  get total(): number {
    return this.cum.length ? this.cum[this.cum.length - 1] : 0;
  }

  /** Index of the sampled item. */
  sample(rng: Rng): number {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
