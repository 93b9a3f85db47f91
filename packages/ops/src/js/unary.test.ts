import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { seedArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES, type DTypeCase } from '../../test/support/dtypes.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray } from '../kernels.js';
import { createUnaryKernels, type UnaryKernels } from './unary.js';

type UnaryName = keyof UnaryKernels<FloatArray>;

// Naive references, in float64. Where the kernel uses a Math function there is nothing simpler to compare with,
// so those rows mostly check the wiring: each kernel applies its own function to every element.
const reference: Record<UnaryName, (x: number) => number> = {
  neg: (x) => 0 - x,
  exp: Math.exp,
  log: Math.log,
  // Taylor series where log(1 + x) loses digits; elsewhere log(1 + x) is accurate enough for the tolerance below.
  log1p: (x) => (Math.abs(x) < 1e-4 ? x - (x * x) / 2 + (x * x * x) / 3 - (x * x * x * x) / 4 : Math.log(1 + x)),
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  // 1/(1 + e^(−x)) is the textbook form; in float64 e^(−x) = ∞ only gives 1/∞ = 0, which is still right.
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  abs: (x) => (x < 0 ? -x : x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  sin: Math.sin,
  cos: Math.cos,
};

// Allowed |got − want| for kernels whose formula differs from the reference's; the others must match exactly.
const tolerance: Partial<Record<UnaryName, (want: number, dt: DTypeCase) => number>> = {
  sigmoid: (want, dt) => 4 * dt.eps * Math.abs(want) + dt.tiny,
  // log(1 + x) in float64 is off by up to about 2⁻⁵²/|x| relative for |x| ≥ 1e−4.
  log1p: (want, dt) => (4 * dt.eps + 1e-11) * Math.abs(want) + dt.tiny,
};

const names = Object.keys(reference) as UnaryName[];

describe.each(DTYPES)('unary kernels, $name', (dt) => {
  const k = createUnaryKernels<FloatArray>();

  describe.each(names)('%s', (name) => {
    const lengthArb = fc.integer({ min: 0, max: 40 });
    test.prop([lengthArb, seedArb], { numRuns: 40 })('matches the reference elementwise', (n, seed) => {
      const x = randomBuffer(dt.alloc, n, seed, true);
      // Small magnitudes too, where log1p's accuracy matters.
      if (name === 'log1p') for (let i = 0; i < n; i += 3) x[i] = x[i]! * 1e-6;
      const before = Float64Array.from(x);
      const out = dt.alloc(n).fill(Number.NaN);
      k[name](x, out);
      const want = Array.from(x, (v) => dt.round(reference[name](v)));
      const allowed = tolerance[name];
      expectMatch(out, want, allowed && ((i) => allowed(want[i]!, dt)), () => `(input ${Array.from(x).join(', ')})`);
      expectMatch(x, before);
    });
  });

  it('sigmoid stays finite and in [0, 1] at ±1e3 and ±∞', () => {
    const x = dt.alloc(6);
    x.set([1e3, -1e3, 88.8, -104, Infinity, -Infinity]);
    const out = dt.alloc(6);
    k.sigmoid(x, out);
    for (const v of out) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(0);
    expect(out[4]).toBe(1);
    expect(out[5]).toBe(0);
  });

  it('sigmoid keeps relative accuracy for very negative inputs (no 1 − (≈1) cancellation)', () => {
    const x = dt.alloc(1);
    x[0] = -30;
    const out = dt.alloc(1);
    k.sigmoid(x, out);
    const want = Math.exp(-30) / (1 + Math.exp(-30));
    expect(Math.abs(out[0]! - want)).toBeLessThanOrEqual(2 * dt.eps * want);
  });

  it('sign: NaN stays NaN, ±0 gives 0, signs give ±1', () => {
    const x = dt.alloc(6);
    x.set([Number.NaN, 0, -0, 3.5, -2, -Infinity]);
    const out = dt.alloc(6);
    k.sign(x, out);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBe(0);
    expect(out[2] === 0).toBe(true);
    expect(Array.from(out.subarray(3))).toEqual([1, -1, -1]);
  });

  it('relu passes NaN through and zeroes negatives', () => {
    const x = dt.alloc(4);
    x.set([Number.NaN, -1, 0, 2]);
    const out = dt.alloc(4);
    k.relu(x, out);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Array.from(out.subarray(1))).toEqual([0, 0, 2]);
  });

  it('log1p is accurate where log(1 + x) would round to 0', () => {
    const x = dt.alloc(2);
    x.set([1e-20, -1e-20]);
    const out = dt.alloc(2);
    k.log1p(x, out);
    expect(out[0]).toBe(dt.round(1e-20));
    expect(out[1]).toBe(dt.round(-1e-20));
  });
});
