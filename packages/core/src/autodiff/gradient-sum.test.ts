import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { add, grad, matmul, mul, randn, slice, split, stack, sum, tanh, transpose, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';

const f64 = { dtype: 'float64' } as const;

// Slices hand the tape placements (a gradient in a box); these mix them with dense gradients on one tensor.
describe('gradient sums with placements', () => {
  const mixed = (x: Tensor) => {
    const steps = split(x, 4, 0).map((s) => tanh(s)); // four placements into x's gradient
    const overlap = mul(slice(x, [1], [3]), 2); // a placement overlapping two of them
    return add(sum(stack(steps)), add(sum(mul(overlap, overlap)), sum(mul(x, x)))); // plus a dense gradient
  };

  it('first order matches finite differences', () => {
    expect(gradcheck(mixed, [randn([4, 3], f64)])).toBe(true);
  });

  it('second order (the recorded path pads instead) matches too', () => {
    expect(gradgradcheck(mixed, [randn([4, 3], f64)])).toBe(true);
  });

  it('a placement into a gradient passed through unchanged does not write into that tensor', () => {
    // add's backward returns the same gy for both inputs; the placement must copy before adding in place.
    const x = randn([3], f64);
    const g = grad((v: Tensor) => add(sum(add(v, v)), sum(slice(v, [0], [1]))))(x);
    expect(Array.from(g.data)).toEqual([3, 2, 2]);
  });
});

// matmul hands the tape a product for a weight; products of one weight are summed as one product over all rows.
describe('gradient sums with products', () => {
  const shared = (w: Tensor, h: Tensor, xs: Tensor) => {
    const steps = [0, 1, 2].map((t) => tanh(matmul(slice(h, [t], [t + 1]), w))); // h·W at three "time steps"
    const batched = matmul(xs, w, { transposeB: false }); // a [2, 3, k] batch folded into rows
    const transposed = matmul(slice(h, [0], [2]), transpose(w), { transposeB: true }); // W used as (Wᵀ)ᵀ
    return add(add(sum(stack(steps)), sum(mul(batched, batched))), add(sum(transposed), sum(mul(w, w)))); // + dense
  };
  const args = () => [randn([3, 4], f64), randn([3, 3], f64), randn([2, 3, 3], f64)];

  it('first order (products merged) matches finite differences', () => {
    expect(gradcheck(shared, args())).toBe(true);
  });

  it('second order (the recorded path multiplies at once) matches too', () => {
    expect(gradgradcheck(shared, args())).toBe(true);
  });

  it('backward() gives the same weight gradient as the recorded path', () => {
    const [w, h, xs] = args() as [Tensor, Tensor, Tensor];
    w.requiresGrad = true;
    shared(w, h, xs).backward();
    const recorded = grad((v: Tensor) => shared(v, h, xs))(w);
    const got = Array.from(w.grad!.data);
    Array.from(recorded.data).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
  });
});

// Placements start in an unzeroed buffer; whatever their boxes leave uncovered must read as exactly zero.
describe('gradient sums of partial, tiling and overlapping placements', () => {
  const box = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(4), fc.nat(4)).map(([r0, c0, h, w]) => [
    [r0, c0],
    [r0 + h, c0 + w],
  ]);
  test.prop([fc.array(box, { minLength: 1, maxLength: 4 }), fc.boolean()])('equal the coverage count of every element', (boxes, split4) => {
    const x = randn([4, 4], f64);
    const f = (v: Tensor) => {
      const parts = boxes.map(([b, e]) => sum(slice(v, b!, e!)));
      if (split4) parts.push(...split(v, 4, 1).map((s) => sum(s))); // a tiling: four column placements
      return parts.reduce((a, b) => add(a, b));
    };
    const want = Array.from({ length: 16 }, (_, i) => {
      const [r, c] = [Math.floor(i / 4), i % 4];
      const inside = boxes.filter(([b, e]) => r >= b![0]! && r < e![0]! && c >= b![1]! && c < e![1]!).length;
      return inside + (split4 ? 1 : 0);
    });
    expect(Array.from(grad(f)(x).data)).toEqual(want);
    // The recorded path (a concat of disjoint boxes along one axis, pads added up otherwise) agrees.
    x.requiresGrad = true;
    f(x).backward(undefined, { createGraph: true });
    expect(Array.from(x.grad!.data)).toEqual(want);
  });

  // Row boxes (whole on the other axis) take the sorted-interval check; a box cut on both axes switches to the scan.
  const rows = fc.array(fc.tuple(fc.nat(11), fc.nat(4)), { minLength: 1, maxLength: 30 });
  test.prop([rows, fc.boolean()])('row boxes in any order, disjoint or not, also equal the coverage count', (spans, cut) => {
    const x = randn([12, 3], f64);
    const f = (v: Tensor) => {
      const parts = spans.map(([b, n]) => sum(slice(v, [b], [b + n])));
      if (cut) parts.push(sum(slice(v, [2, 1], [5, 2]))); // cut on both axes: overlaps are found by the scan
      return parts.reduce((a, c) => add(a, c));
    };
    const want = Array.from({ length: 36 }, (_, i) => {
      const [r, c] = [Math.floor(i / 3), i % 3];
      const inRows = spans.filter(([b, n]) => r >= b && r < Math.min(b + n, 12)).length;
      return inRows + (cut && r >= 2 && r < 5 && c === 1 ? 1 : 0);
    });
    expect(Array.from(grad(f)(x).data)).toEqual(want);
  });

  it('boxes with gaps between them are differentiable twice (the recorded path concatenates zeros into the gaps)', () => {
    const rows = (x: Tensor) => add(sum(tanh(slice(x, [1], [2]))), sum(mul(slice(x, [3], [5]), slice(x, [3], [5]))));
    expect(gradgradcheck(rows, [randn([6, 3], f64)])).toBe(true);
  });
});
