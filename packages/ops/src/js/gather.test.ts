import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { seedArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray } from '../kernels.js';
import { createGatherKernels } from './gather.js';

/** [outer, size, inner] and in-range indices (repeats likely; none when size is 0). */
const gatherArb = fc
  .record({
    outer: fc.integer({ min: 0, max: 4 }),
    size: fc.integer({ min: 0, max: 5 }),
    inner: fc.integer({ min: 0, max: 4 }),
  })
  .chain((dims) =>
    fc.record({
      dims: fc.constant(dims),
      indices: fc.array(fc.integer({ min: 0, max: Math.max(0, dims.size - 1) }), {
        maxLength: dims.size === 0 ? 0 : 7,
      }),
    }),
  );

// Flat positions in row-major [outer, size, inner] and [outer, count, inner] buffers.
const at = (o: number, j: number, i: number, middle: number, inner: number) => (o * middle + j) * inner + i;

describe.each(DTYPES)('gather and scatterAdd, $name', (dt) => {
  const k = createGatherKernels<FloatArray>();

  test.prop([gatherArb, seedArb], { numRuns: 150 })('gather takes x[o, indices[j], i]', ({ dims, indices }, seed) => {
    const { outer, size, inner } = dims;
    const x = randomBuffer(dt.alloc, outer * size * inner, seed, true);
    const out = dt.alloc(outer * indices.length * inner).fill(12345);
    k.gather(x, outer, size, inner, Int32Array.from(indices), out);
    const want: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < indices.length; j++) {
        for (let i = 0; i < inner; i++) want.push(x[at(o, indices[j]!, i, size, inner)]!);
      }
    }
    expectMatch(out, want, undefined, () => JSON.stringify({ dims, indices }));
  });

  test.prop([gatherArb, seedArb, seedArb], { numRuns: 150 })(
    'scatterAdd adds src[o, j, i] into out[o, indices[j], i], accumulating repeats',
    ({ dims, indices }, seedSrc, seedOut) => {
      const { outer, size, inner } = dims;
      const src = randomBuffer(dt.alloc, outer * indices.length * inner, seedSrc);
      const out = randomBuffer(dt.alloc, outer * size * inner, seedOut);
      // Reference: for each destination element, the float64 sum of its starting value and every source term.
      const want = Array.from(out);
      const scale = Array.from(out, Math.abs);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < indices.length; j++) {
          for (let i = 0; i < inner; i++) {
            const v = src[at(o, j, i, indices.length, inner)]!;
            want[at(o, indices[j]!, i, size, inner)]! += v;
            scale[at(o, indices[j]!, i, size, inner)]! += Math.abs(v);
          }
        }
      }
      k.scatterAdd(src, outer, size, inner, Int32Array.from(indices), out);
      // Float32 rounds after every addition, so allow one rounding per term at the scale of the terms.
      const tolerance = (p: number) => (indices.length + 1) * dt.eps * scale[p]!;
      expectMatch(out, want.map(dt.round), tolerance, () => JSON.stringify({ dims, indices }));
    },
  );

  it('gather and scatterAdd on a hand-checked [2, 3, 2] case', () => {
    const x = dt.alloc(12);
    x.set([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
    const indices = Int32Array.from([2, 0, 2]);
    const out = dt.alloc(12);
    k.gather(x, 2, 3, 2, indices, out);
    expect(Array.from(out)).toEqual([20, 21, 0, 1, 20, 21, 120, 121, 100, 101, 120, 121]);
    const grad = dt.alloc(12);
    k.scatterAdd(dt.alloc(12).fill(1), 2, 3, 2, indices, grad);
    expect(Array.from(grad)).toEqual([1, 1, 0, 0, 2, 2, 1, 1, 0, 0, 2, 2]);
  });
});
