import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { reductionArb, seedArb, shapeArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { count, ravel, unravel } from '../../test/support/indexing.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray } from '../kernels.js';
import { createReduceKernels } from './reduce.js';

/**
 * Groups the elements of `x` by output element: walks every input index, drops the reduced axes, and files the
 * value under the resulting output index. Returns the groups and the output shape.
 */
function groupsOf(x: FloatArray, shape: number[], axes: number[]) {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const groups: number[][] = Array.from({ length: count(outShape) }, () => []);
  for (let f = 0; f < x.length; f++) {
    const idx = unravel(f, shape).filter((_, d) => !axes.includes(d));
    groups[ravel(idx, outShape)]!.push(x[f]!);
  }
  return { groups, outShape };
}

const maxRef = (values: number[]) => (values.some((v) => v !== v) ? Number.NaN : values.reduce((m, v) => (v > m ? v : m), -Infinity));

describe.each(DTYPES)('reductions, $name', (dt) => {
  const k = createReduceKernels<FloatArray>();

  const where = (shape: number[], axes: number[]) => `(shape ${JSON.stringify(shape)}, axes ${JSON.stringify(axes)})`;

  test.prop([reductionArb, seedArb], { numRuns: 100 })('sum matches a float64 reference', ({ shape, axes }, seed) => {
    const x = randomBuffer(dt.alloc, count(shape), seed);
    const { groups, outShape } = groupsOf(x, shape, axes);
    const out = dt.alloc(count(outShape)).fill(Number.NaN);
    k.sum(x, shape, axes, out);
    const want = groups.map((g) => dt.round(g.reduce((s, v) => s + v, 0)));
    // Float64 reordering error is at most n·2⁻⁵²·Σ|x|; on top of that float32 rounds the result once.
    const tolerance = (i: number) => {
      const g = groups[i]!;
      return dt.eps * Math.abs(want[i]!) + (g.length + 1) * 2 ** -52 * g.reduce((s, v) => s + Math.abs(v), 0);
    };
    expectMatch(out, want, tolerance, () => where(shape, axes));
  });

  test.prop([reductionArb, seedArb], { numRuns: 100 })('max: reference, NaN wins', ({ shape, axes }, seed) => {
    const x = randomBuffer(dt.alloc, count(shape), seed, true);
    const { groups, outShape } = groupsOf(x, shape, axes);
    const out = dt.alloc(count(outShape)).fill(12345);
    k.max(x, shape, axes, out);
    expectMatch(out, groups.map(maxRef), undefined, () => where(shape, axes));
  });

  const argmaxArb = shapeArb()
    .filter((shape) => shape.length > 0)
    .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 })));

  test.prop([argmaxArb, seedArb], { numRuns: 100 })('argmax: first maximum, or first NaN', ([shape, axis], seed) => {
    const x = randomBuffer(dt.alloc, count(shape), seed, true);
    const { groups, outShape } = groupsOf(x, shape, [axis]);
    const out = dt.alloc(count(outShape)).fill(12345);
    k.argmax(x, shape, axis, out);
    const want = groups.map((g) => {
      const firstNaN = g.findIndex((v) => v !== v);
      return firstNaN >= 0 ? firstNaN : g.indexOf(Math.max(...g));
    });
    expectMatch(out, want, undefined, () => where(shape, [axis]));
  });

  it('empty reductions give 0 for sum and −∞ for max', () => {
    const x = dt.alloc(0);
    const out = dt.alloc(3).fill(7);
    k.sum(x, [3, 0], [1], out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    k.max(x, [0, 3], [0], out);
    expect(Array.from(out)).toEqual([-Infinity, -Infinity, -Infinity]);
    const scalar = dt.alloc(1).fill(7);
    k.sum(x, [0], [0], scalar);
    expect(scalar[0]).toBe(0);
  });

  it('reducing over no axes copies, and over every axis gives a scalar', () => {
    const x = dt.alloc(6);
    x.set([3, -1, 4, 1, -5, 9]);
    const out = dt.alloc(6);
    k.sum(x, [2, 3], [], out);
    expect(Array.from(out)).toEqual([3, -1, 4, 1, -5, 9]);
    const scalar = dt.alloc(1);
    k.max(x, [2, 3], [0, 1], scalar);
    expect(scalar[0]).toBe(9);
    k.sum(x, [2, 3], [0, 1], scalar);
    expect(scalar[0]).toBe(11);
  });

  it('max and argmax with NaN: NaN wins, and argmax points at the first NaN', () => {
    const x = dt.alloc(5);
    x.set([1, Number.NaN, 7, Number.NaN, 2]);
    const out = dt.alloc(1);
    k.max(x, [5], [0], out);
    expect(out[0]).toBeNaN();
    k.argmax(x, [5], 0, out);
    expect(out[0]).toBe(1);
    x[0] = Number.NaN;
    k.argmax(x, [5], 0, out);
    expect(out[0]).toBe(0);
  });

  it('argmax takes the first of tied maxima, and writes −1 for an empty axis', () => {
    const x = dt.alloc(6);
    x.set([2, 5, 5, -Infinity, -Infinity, -Infinity]);
    const out = dt.alloc(2);
    k.argmax(x, [2, 3], 1, out);
    expect(Array.from(out)).toEqual([1, 0]);
    const empty = dt.alloc(2).fill(7);
    k.argmax(dt.alloc(0), [2, 0], 1, empty);
    expect(Array.from(empty)).toEqual([-1, -1]);
  });

  it('sums float32 data in double precision', () => {
    // 1 + 2⁻²⁴ + 2⁻²⁴ − 1: a float32 accumulator would lose both small terms.
    const x = dt.alloc(4);
    x.set([1, 2 ** -24, 2 ** -24, -1]);
    const out = dt.alloc(1);
    k.sum(x, [4], [0], out);
    expect(out[0]).toBe(2 ** -23);
  });
});
