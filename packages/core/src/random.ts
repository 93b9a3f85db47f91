import { ValueError } from './errors.js';

/**
 * A seedable pseudo-random generator (xoshiro128**, 128-bit state). Every random function in loom takes one, or
 * uses the global one that {@link seed} resets; `Math.random` is never used, so runs are reproducible.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * g.uniform(); // the same number on every machine, every run
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  /** Creates a generator whose whole sequence is fixed by `seed` (any safe integer). */
  constructor(seed: number) {
    this.reset(seed);
  }

  /** Restarts the sequence from `seed`. */
  reset(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw new ValueError(`Generator: seed must be a safe integer, got ${seed}`);
    // splitmix32 spreads the seed over all 128 state bits, so seeds 1 and 2 give unrelated streams. The high half
    // of the seed joins after two words, so seeds that agree in their low 32 bits (−1 and 2³²−1) still differ.
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    x ^= Math.floor(seed / 2 ** 32) >>> 0;
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal number (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u = 1 - this.uniform(); // in (0, 1], so log(u) is finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /**
   * The full internal state, to save in a checkpoint and give back to {@link Generator.setState}: four unsigned
   * 32-bit words, then the cached second normal (NaN when there is none).
   */
  getState(): number[] {
    // The words are kept as signed int32 (the results of |, ^ and <<); hand them out unsigned, as setState reads them.
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.spareNormal ?? Number.NaN];
  }

  /** Restores a state from {@link Generator.getState}, so the sequence continues exactly where it was. */
  setState(state: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3] = state.slice(0, 4).map((v) => v >>> 0) as [number, number, number, number];
    const spare = state[4];
    this.spareNormal = spare === undefined || Number.isNaN(spare) ? null : spare;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalGenerator: Generator | undefined;

/** The generator random functions use when none is passed. Created on first use with seed 0. */
export function defaultGenerator(): Generator {
  globalGenerator ??= new Generator(0);
  return globalGenerator;
}

/**
 * Reseeds the global generator, so everything random after it (initializers, dropout, `randn`) repeats exactly.
 *
 * @example
 * ```ts
 * seed(7); const a = randn([2]);
 * seed(7); const b = randn([2]); // equal to a
 * ```
 */
export function seed(n: number): void {
  defaultGenerator().reset(n);
}
