import {
  abs,
  add,
  clamp,
  customGrad,
  grad,
  GradError,
  gt,
  mul,
  noGrad,
  sign,
  square,
  sum,
  tensor,
  vjp,
  where,
  type Tensor,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64 } from '../../test/_numeric.js';

// Straight-through estimator: the forward is a hard step (sign), the backward passes the gradient unchanged
// where |x| ≤ 1 and blocks it outside (the usual "hardtanh" STE of binarized networks).
const binarize = customGrad((x: Tensor) => ({
  value: noGrad(() => sign(x)),
  grad: (gy: Tensor) => where(gt(abs(x), 1), 0, gy),
}));

// Identity forward, gradient clipped to [−1, 1] in the backward pass.
const clipGrad = customGrad((x: Tensor) => ({ value: x, grad: (gy: Tensor) => clamp(gy, -1, 1) }));

// x³ with its derivative written with ops, so the rule is itself differentiable.
const cube = customGrad((x: Tensor) => ({
  value: mul(x, mul(x, x)),
  grad: (gy: Tensor) => mul(gy, mul(3, square(x))),
}));

describe('customGrad', () => {
  it('uses the custom rule: a straight-through estimator', () => {
    const x = f64([-2, -0.5, 0.3, 0.9, 1.5]);
    expectClose(binarize(x), [-1, -1, 1, 1, 1], 0);
    // d/dx Σ binarize(x)·c = c where |x| ≤ 1, 0 elsewhere — where sign' would be 0 everywhere.
    const c = f64([1, 2, 3, 4, 5]);
    const g = grad((t: Tensor) => sum(mul(binarize(t), c)))(x);
    expectClose(g, [0, 2, 3, 4, 0], 0);
  });

  it('uses the custom rule: gradient clipping in the backward pass only', () => {
    const x = f64([1, 2, 3]);
    expectClose(clipGrad(x), [1, 2, 3], 0);
    // d/dx Σ 5·clip(x)²: the rule sees gy = 10x = [10, 20, 30] and clips it to 1.
    const g = grad((t: Tensor) => sum(mul(square(clipGrad(t)), 5)))(x);
    expectClose(g, [1, 1, 1], 0);
    const small = grad((t: Tensor) => sum(mul(clipGrad(t), f64([0.5, -0.25, -3]))))(x);
    expectClose(small, [0.5, -0.25, -1], 0);
  });

  it('sees the output gradient of its own value, after the surrounding chain rule', () => {
    // y = 2·cube(x) + x → dy/dx = 2·3x² + 1
    const g = grad((t: Tensor) => sum(add(mul(cube(t), 2), t)))(f64([1, -2]));
    expectClose(g, [7, 25], 0);
  });

  it('a rule written with ops is differentiable again: grad(grad(cube))(x) = 6x, third order 6', () => {
    const d1 = grad((t: Tensor) => cube(t));
    const d2 = grad(d1);
    const d3 = grad(d2);
    for (const v of [-1.5, 0.5, 2]) {
      expectClose(d1(f64(v)), [3 * v * v], 1e-12);
      expectClose(d2(f64(v)), [6 * v], 1e-12);
      expectClose(d3(f64(v)), [6], 1e-12);
    }
  });

  it('with two inputs the rule returns one gradient per input', () => {
    const prod = customGrad((a: Tensor, b: Tensor) => ({
      value: mul(a, b),
      grad: (gy: Tensor) => [mul(gy, b), mul(gy, a)],
    }));
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(prod(a, b)), [0, 1])(f64([2, 3]), f64([5, 7]));
    expectClose(ga!, [5, 7], 0);
    expectClose(gb!, [2, 3], 0);
  });

  it('works with Tensor.backward', () => {
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    sum(cube(x)).backward();
    expectClose(x.grad!, [12], 0);
  });

  it('does not record when no input requires gradients', () => {
    const y = cube(f64([2]));
    expect(y.requiresGrad).toBe(false);
    expectClose(y, [8], 0);
  });

  it('throws GradError when the rule returns the wrong number of gradients', () => {
    const bad = customGrad((a: Tensor, b: Tensor) => ({ value: mul(a, b), grad: (gy: Tensor) => [gy] }));
    const f = (a: Tensor, b: Tensor) => sum(bad(a, b));
    expect(() => grad(f)(f64([1]), f64([2]))).toThrow(GradError);
    expect(() => grad(f)(f64([1]), f64([2]))).toThrow(/returned 1 gradients for 2 inputs/);
    const tooMany = customGrad((a: Tensor) => ({ value: a, grad: (gy: Tensor) => [gy, gy] }));
    expect(() => grad((a: Tensor) => sum(tooMany(a)))(f64([1]))).toThrow(/returned 2 gradients for 1 inputs/);
  });

  it('throws GradError naming the op and input when the rule returns a gradient of the wrong dtype', () => {
    const bad = customGrad((a: Tensor) => ({ value: a, grad: () => tensor([1, 1]) }));
    const run = () => grad((a: Tensor) => sum(bad(a)))(f64([1, 2]));
    expect(run).toThrow(GradError);
    expect(run).toThrow(/customGrad backward: gradient of input 0 is float32/);
  });

  it('throws GradError naming the op and input when the rule returns a gradient of the wrong shape', () => {
    // A shape that is not a broadcast of the input's cannot be reduced to it; the tape should say whose rule is
    // wrong (as it does for a wrong dtype), not fail inside sumTo with a ShapeError about an op the user never called.
    const bad = customGrad((a: Tensor) => ({ value: a, grad: () => f64([1, 2, 3]) }));
    const run = () => grad((a: Tensor) => sum(bad(a)))(f64([1, 2]));
    expect(run).toThrow(GradError);
    expect(run).toThrow(/customGrad backward: gradient of input 0 is float64 \[3\]/);
  });

  it('a rule may return a gradient in the broadcast shape of the output; the tape reduces it', () => {
    // value = a + b with a: [2,3], b: [3]; the rule returns gy (shape [2,3]) for both.
    const plus = customGrad((a: Tensor, b: Tensor) => ({ value: add(a, b), grad: (gy: Tensor) => [gy, gy] }));
    const gb = grad((a: Tensor, b: Tensor) => sum(plus(a, b)), 1)(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, 1, 1]));
    expect(gb.shape).toEqual([3]);
    expectClose(gb, [2, 2, 2], 0);
  });

  it('throws GradError when an input is not a Tensor, or f does not return a Tensor value', () => {
    const f = customGrad((a: Tensor) => ({ value: a, grad: (gy: Tensor) => gy })) as (a: unknown) => Tensor;
    expect(() => f(3)).toThrow(GradError);
    expect(() => f(3)).toThrow(/input 0 must be a Tensor/);
    const g = customGrad((_a: Tensor) => ({ value: 3 as unknown as Tensor, grad: (gy: Tensor) => gy }));
    expect(() => g(f64(1))).toThrow(/value/);
  });

  it('a vjp through customGrad applies the rule to the given cotangent', () => {
    const [y, pullback] = vjp((t: Tensor) => clipGrad(t), f64([1, 2, 3]));
    expectClose(y, [1, 2, 3], 0);
    expectClose(pullback(f64([0.5, -4, 2]))[0]!, [0.5, -1, 1], 0);
  });
});
