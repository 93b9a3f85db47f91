import { fc } from '@fast-check/vitest';
import type { MatmulLayout } from '../../src/kernels.js';
import { broadcastRef } from './indexing.js';

/** A dim in 0–5, biased away from 0 so that most shapes are not empty but empty ones still come up. */
export const dimArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.constant(1), weight: 2 },
  { arbitrary: fc.integer({ min: 2, max: 5 }), weight: 6 },
);

/** A shape of rank 0 to `maxRank`. */
export function shapeArb(maxRank = 4, dim: fc.Arbitrary<number> = dimArb): fc.Arbitrary<number[]> {
  return fc.array(dim, { minLength: 0, maxLength: maxRank });
}

/** A seed for the deterministic test-data generator in values.ts. */
export const seedArb = fc.integer();

/** A shape that broadcasts to `out`: some leading axes dropped, some dims replaced by 1. */
function broadcastableTo(out: readonly number[]): fc.Arbitrary<number[]> {
  const drop = fc.integer({ min: 0, max: out.length });
  // One axis in four becomes 1.
  const ones = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: out.length, maxLength: out.length });
  return fc.tuple(drop, ones).map(([dropped, pick]) => out.map((dim, d) => (pick[d] === 0 ? 1 : dim)).slice(dropped));
}

/** `count` shapes that broadcast together, with the shape they broadcast to (computed by the naive reference). */
export function broadcastGroupArb(count: number): fc.Arbitrary<{ shapes: number[][]; out: number[] }> {
  return shapeArb()
    .chain((out) => fc.array(broadcastableTo(out), { minLength: count, maxLength: count }))
    .map((shapes) => ({ shapes, out: shapes.reduce<number[]>((acc, s) => broadcastRef(acc, s)!, []) }));
}

/** A shape with sorted distinct axes to reduce over (any subset, including none and all). */
export const reductionArb = shapeArb().chain((shape) =>
  fc
    .array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })
    .map((pick) => ({ shape, axes: shape.map((_, d) => d).filter((d) => pick[d]) })),
);

/** A matmul layout with its buffer lengths: batch strides are 0 (one shared matrix), packed, or packed plus a gap. */
export function matmulLayoutArb(dim: fc.Arbitrary<number>): fc.Arbitrary<{ layout: MatmulLayout; lengthA: number; lengthB: number }> {
  const batchStride = fc.constantFrom<'shared' | 'packed' | 'gap'>('shared', 'packed', 'gap');
  return fc
    .record({
      batch: fc.integer({ min: 0, max: 3 }),
      m: dim,
      n: dim,
      k: dim,
      transA: fc.boolean(),
      transB: fc.boolean(),
      kindA: batchStride,
      kindB: batchStride,
      gap: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ kindA, kindB, gap, ...rest }) => {
      const sizeA = rest.m * rest.k;
      const sizeB = rest.k * rest.n;
      const stride = (kind: string, size: number) => (kind === 'shared' ? 0 : kind === 'packed' ? size : size + gap);
      const layout: MatmulLayout = { ...rest, strideA: stride(kindA, sizeA), strideB: stride(kindB, sizeB) };
      const extent = (strideX: number, size: number) => (rest.batch === 0 ? 0 : (rest.batch - 1) * strideX + size);
      return { layout, lengthA: extent(layout.strideA, sizeA), lengthB: extent(layout.strideB, sizeB) };
    });
}
