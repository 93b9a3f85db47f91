import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { broadcastGroupArb, seedArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { broadcastSource, count, unravel } from '../../test/support/indexing.js';
import { prng, randomBuffer } from '../../test/support/values.js';
import type { FloatArray } from '../kernels.js';
import { createBinaryKernels, type BinaryKernels } from './binary.js';

type BinaryName = Exclude<keyof BinaryKernels<FloatArray>, 'where'>;

const isNaN = (x: number) => x !== x;

// Naive float64 references. maximum/minimum spell out "NaN wins" rather than leaning on Math.max.
const reference: Record<BinaryName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (isNaN(a) || isNaN(b) ? Number.NaN : a >= b ? a : b),
  minimum: (a, b) => (isNaN(a) || isNaN(b) ? Number.NaN : a <= b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a === b ? 0 : 1),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

const names = Object.keys(reference) as BinaryName[];

describe.each(DTYPES)('binary kernels, $name', (dt) => {
  const k = createBinaryKernels<FloatArray>();

  describe.each(names)('%s', (name) => {
    test.prop([broadcastGroupArb(2), seedArb, seedArb], { numRuns: 60 })(
      'matches the reference on broadcast shapes',
      ({ shapes, out: outShape }, seedA, seedB) => {
        const [aShape, bShape] = shapes as [number[], number[]];
        const a = randomBuffer(dt.alloc, count(aShape), seedA, true);
        const b = randomBuffer(dt.alloc, count(bShape), seedB, true);
        const out = dt.alloc(count(outShape)).fill(12345);
        k[name](a, aShape, b, bShape, out, outShape);
        const want = Array.from({ length: count(outShape) }, (_, f) => {
          const idx = unravel(f, outShape);
          return dt.round(reference[name](a[broadcastSource(idx, aShape)]!, b[broadcastSource(idx, bShape)]!));
        });
        expectMatch(out, want, undefined, () => `(a ${JSON.stringify(aShape)}, b ${JSON.stringify(bShape)})`);
      },
    );
  });

  it('maximum and minimum propagate NaN from either side', () => {
    const a = dt.alloc(3);
    const b = dt.alloc(3);
    a.set([Number.NaN, 1, Number.NaN]);
    b.set([1, Number.NaN, Number.NaN]);
    const out = dt.alloc(3);
    for (const op of [k.maximum, k.minimum]) {
      op(a, [3], b, [3], out, [3]);
      expect(Array.from(out).every(Number.isNaN)).toBe(true);
    }
  });

  it('comparisons with NaN are false, except ne', () => {
    const a = dt.alloc(1);
    a[0] = Number.NaN;
    const out = dt.alloc(1);
    for (const name of ['eq', 'lt', 'le', 'gt', 'ge'] as const) {
      k[name](a, [], a, [], out, []);
      expect(out[0], name).toBe(0);
    }
    k.ne(a, [], a, [], out, []);
    expect(out[0]).toBe(1);
  });

  it('broadcasts a column against a row', () => {
    const col = dt.alloc(2);
    col.set([10, 20]);
    const row = dt.alloc(3);
    row.set([1, 2, 3]);
    const out = dt.alloc(6);
    k.add(col, [2, 1], row, [3], out, [2, 3]);
    expect(Array.from(out)).toEqual([11, 12, 13, 21, 22, 23]);
  });
});

/** A condition buffer: mostly 0 and 1, with −0, NaN and other non-zero values mixed in. */
function conditions(alloc: (n: number) => FloatArray, n: number, seed: number): FloatArray {
  const choices = [0, 1, 0, 1, -0, Number.NaN, -2.5];
  const next = prng(seed);
  return alloc(n).map(() => choices[Math.floor(next() * choices.length)]!);
}

describe.each(DTYPES)('where, $name', (dt) => {
  const k = createBinaryKernels<FloatArray>();

  test.prop([broadcastGroupArb(3), seedArb, seedArb, seedArb], { numRuns: 100 })(
    'picks a where cond ≠ 0 (NaN included) and b elsewhere, on broadcast shapes',
    ({ shapes, out: outShape }, seedC, seedA, seedB) => {
      const [cShape, aShape, bShape] = shapes as [number[], number[], number[]];
      const cond = conditions(dt.alloc, count(cShape), seedC);
      const a = randomBuffer(dt.alloc, count(aShape), seedA, true);
      const b = randomBuffer(dt.alloc, count(bShape), seedB, true);
      const out = dt.alloc(count(outShape)).fill(12345);
      k.where(cond, cShape, a, aShape, b, bShape, out, outShape);
      const want = Array.from({ length: count(outShape) }, (_, f) => {
        const idx = unravel(f, outShape);
        const c = cond[broadcastSource(idx, cShape)]!;
        return c === 0 ? b[broadcastSource(idx, bShape)]! : a[broadcastSource(idx, aShape)]!;
      });
      expectMatch(out, want, undefined, () => `(shapes ${JSON.stringify(shapes)})`);
    },
  );

  it('writes nothing for an empty output', () => {
    const out = dt.alloc(2).fill(7);
    const one = dt.alloc(1);
    k.where(one, [1], one, [1], one, [0], out, [0]);
    expect(Array.from(out)).toEqual([7, 7]);
  });
});
