import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { seedArb, shapeArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { allIndices } from '../../test/support/indexing.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray, View } from '../kernels.js';
import { createCopyKernel } from './copy.js';

/** A view of the box `shape` inside a larger buffer, with the buffer length it needs. */
interface Placed {
  readonly view: View;
  readonly length: number;
}

/**
 * A view of `shape` as a sub-box of a bigger tensor: each axis gets 0–2 spare elements and a start inside them
 * (a slice), the bigger tensor's axes are laid out in a random order (a permutation), some axes may run
 * backwards (a flip) and, when `expand` is set, some read one element over and over (stride 0). The buffer
 * also starts with 0–3 unused elements.
 */
function placedArb(shape: readonly number[], expand: boolean): fc.Arbitrary<Placed> {
  const rank = shape.length;
  const perAxis = fc.record({
    spare: fc.integer({ min: 0, max: 2 }),
    startFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    flip: fc.boolean(),
    broadcast: expand ? fc.boolean() : fc.constant(false),
  });
  return fc
    .record({
      axes: fc.array(perAxis, { minLength: rank, maxLength: rank }),
      order: fc.shuffledSubarray(
        shape.map((_, d) => d),
        { minLength: rank, maxLength: rank },
      ),
      pad: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ axes, order, pad }) => {
      const extent = shape.map((dim, d) => (axes[d]!.broadcast ? 1 : dim + axes[d]!.spare));
      // Contiguous strides of the bigger tensor with its axes stored in `order` (outermost first).
      const step = new Array<number>(rank).fill(0);
      let size = 1;
      for (let j = rank - 1; j >= 0; j--) {
        step[order[j]!] = size;
        size *= extent[order[j]!]!;
      }
      let offset = pad;
      const strides = shape.map((dim, d) => {
        const { spare, startFrac, flip, broadcast } = axes[d]!;
        if (broadcast) return 0;
        const start = Math.floor(startFrac * (spare + 1)) % (spare + 1);
        offset += (flip ? dim - 1 + start : start) * step[d]!;
        return flip ? -step[d]! : step[d]!;
      });
      return { view: { offset, strides }, length: pad + size };
    });
}

const copyCaseArb = shapeArb().chain((shape) =>
  fc.record({ shape: fc.constant(shape), from: placedArb(shape, true), to: placedArb(shape, false) }),
);

const offsetIn = (view: View, idx: readonly number[]) => idx.reduce((sum, i, d) => sum + i * view.strides[d]!, view.offset);

describe.each(DTYPES)('copy, $name', (dt) => {
  const copy = createCopyKernel<FloatArray>();

  test.prop([copyCaseArb, seedArb, seedArb], { numRuns: 300 })(
    'writes src[from(idx)] to dst[to(idx)] for every idx in the box, and nothing else',
    ({ shape, from, to }, seedSrc, seedDst) => {
      const src = randomBuffer(dt.alloc, from.length, seedSrc, true);
      const dst = randomBuffer(dt.alloc, to.length, seedDst);
      const want = Float64Array.from(dst);
      for (const idx of allIndices(shape)) want[offsetIn(to.view, idx)] = src[offsetIn(from.view, idx)]!;
      const srcBefore = Float64Array.from(src);
      copy(src, from.view, dst, to.view, shape);
      expectMatch(dst, want, undefined, () => JSON.stringify({ shape, from: from.view, to: to.view }));
      expectMatch(src, srcBefore);
    },
  );

  it('copies one element for a rank-0 box', () => {
    const src = dt.alloc(3);
    src.set([1, 2, 3]);
    const dst = dt.alloc(2);
    copy(src, { offset: 2, strides: [] }, dst, { offset: 1, strides: [] }, []);
    expect(Array.from(dst)).toEqual([0, 3]);
  });

  it('copies nothing for a box with a zero dim', () => {
    const dst = dt.alloc(4).fill(7);
    copy(dt.alloc(4), { offset: 0, strides: [2, 1] }, dst, { offset: 0, strides: [2, 1] }, [2, 0]);
    expect(Array.from(dst)).toEqual([7, 7, 7, 7]);
  });

  it('transposes a 2×3 matrix', () => {
    const src = dt.alloc(6);
    src.set([1, 2, 3, 4, 5, 6]);
    const dst = dt.alloc(6);
    copy(src, { offset: 0, strides: [1, 3] }, dst, { offset: 0, strides: [2, 1] }, [3, 2]);
    expect(Array.from(dst)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('copies long contiguous rows (the bulk path) into an offset destination', () => {
    const n = 3 * 100;
    const src = randomBuffer(dt.alloc, n, 1);
    const dst = dt.alloc(n + 5).fill(7);
    copy(src, { offset: 0, strides: [100, 1] }, dst, { offset: 5, strides: [100, 1] }, [3, 100]);
    expect(Array.from(dst.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]);
    expect(Array.from(dst.subarray(5))).toEqual(Array.from(src));
  });

  test.prop([fc.integer({ min: 60, max: 140 }), fc.integer({ min: 1, max: 3 }), seedArb], { numRuns: 20 })(
    'expands a long row over a leading axis and pads it into a wider buffer',
    (width, rows, seed) => {
      const src = randomBuffer(dt.alloc, width, seed);
      const dst = dt.alloc(rows * (width + 2)).fill(7);
      copy(src, { offset: 0, strides: [0, 1] }, dst, { offset: 1, strides: [width + 2, 1] }, [rows, width]);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(dst.subarray(r * (width + 2), (r + 1) * (width + 2)));
        expect(row).toEqual([7, ...Array.from(src), 7]);
      }
    },
  );
});
