import { describe, expect, it } from 'vitest';
import { add, grad, mul, randn, slice, split, stack, sum, tanh, type Tensor } from '@loom/core';
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
