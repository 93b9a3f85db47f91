import { add, GradError, grad, matmul, mul, noGrad, ones, sin, square, sum, tanh, tensor, type Tensor } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64 } from '../test/_numeric.js';

function leaf(values: number[] | number, shape?: number[]): Tensor {
  const t = typeof values === 'number' ? f64(values) : f64(values, shape);
  t.requiresGrad = true;
  return t;
}

describe('Tensor.requiresGrad', () => {
  it('is false for a fresh tensor and can be set on a leaf', () => {
    const t = f64([1, 2]);
    expect(t.requiresGrad).toBe(false);
    t.requiresGrad = true;
    expect(t.requiresGrad).toBe(true);
    t.requiresGrad = false;
    expect(t.requiresGrad).toBe(false);
    expect(tensor([1], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('propagates: an op result requires gradients exactly when an input does', () => {
    const w = leaf([1, 2]);
    const c = f64([3, 4]);
    expect(mul(w, c).requiresGrad).toBe(true);
    expect(mul(c, c).requiresGrad).toBe(false);
    expect(add(mul(c, c), w).requiresGrad).toBe(true);
  });

  it('throws GradError when set on a non-leaf, naming the op that made it', () => {
    const y = mul(leaf([1, 2]), 2);
    expect(() => (y.requiresGrad = false)).toThrow(GradError);
    expect(() => (y.requiresGrad = true)).toThrow(/leaf.*'mul'/);
  });

  it('.grad is null until backward', () => {
    expect(leaf([1]).grad).toBeNull();
  });
});

describe('Tensor.backward', () => {
  it('writes d(loss)/d(leaf) into .grad of every leaf that requires it', () => {
    const w = leaf([1, 2, 3]);
    const b = leaf(0.5);
    const c = f64([4, 5, 6]); // a leaf that does not require grad
    const loss = sum(add(mul(square(w), c), b)); // Σ c·w² + 3b
    loss.backward();
    expectClose(w.grad!, [8, 20, 36], 0); // 2cw
    expectClose(b.grad!, [3], 0); // b broadcast over 3 elements
    expect(b.grad!.shape).toEqual([]);
    expect(c.grad).toBeNull();
    expect(w.grad!.requiresGrad).toBe(false);
  });

  it('accumulates: a second backward adds to .grad', () => {
    const w = leaf([1, -2]);
    sum(square(w)).backward(); // 2w
    expectClose(w.grad!, [2, -4], 0);
    sum(mul(w, f64([10, 100]))).backward(); // + [10, 100]
    expectClose(w.grad!, [12, 96], 0);
    w.grad = null; // clearing starts over
    sum(w).backward();
    expectClose(w.grad!, [1, 1], 0);
  });

  it('the implicit seed 1 works for any one-element tensor', () => {
    const w = leaf([3], [1, 1]);
    mul(w, w).backward();
    expectClose(w.grad!, [6], 0);
    expect(w.grad!.shape).toEqual([1, 1]);
  });

  it('without a gradient, a tensor with more than one element throws GradError naming its shape', () => {
    const y = mul(leaf([1, 2]), 2);
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(/one-element.*\[2\]/);
  });

  it('an explicit gradient seeds the backward pass (a vector–Jacobian product)', () => {
    const w = leaf([1, 2, 3]);
    square(w).backward(f64([1, 0, -1])); // 2w ⊙ g
    expectClose(w.grad!, [2, 0, -6], 0);
    // and for a scalar, an explicit seed scales
    const v = leaf(2);
    square(v).backward(f64(0.5));
    expectClose(v.grad!, [2], 0);
  });

  it('an explicit gradient of the wrong shape or dtype throws GradError', () => {
    const y = square(leaf([1, 2]));
    expect(() => y.backward(f64([1, 2, 3]))).toThrow(GradError);
    expect(() => y.backward(f64([1, 2, 3]))).toThrow(/\[3\].*\[2\]/);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/float32/);
  });

  it('throws GradError on a tensor that does not require gradients', () => {
    const c = f64([1]);
    expect(() => square(c).backward()).toThrow(GradError);
    expect(() => square(c).backward()).toThrow(/does not require gradients/);
    const w = leaf([1]);
    const frozen = noGrad(() => square(w));
    expect(() => frozen.backward()).toThrow(GradError);
  });

  it('matches grad on an MLP-shaped function', () => {
    const x = f64([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [2, 3]);
    const w = leaf([0.5, -0.1, 0.2, 0.3, -0.4, 0.7], [3, 2]);
    const loss = (wt: Tensor) => sum(tanh(matmul(x, wt)));
    loss(w).backward();
    expectClose(w.grad!, grad(loss)(f64(Array.from(w.data), [3, 2])), 1e-15);
  });

  it('backward on a one-element leaf itself gives .grad = 1', () => {
    const w = leaf(5);
    w.backward();
    expectClose(w.grad!, [1], 0);
  });

  it('a leaf used twice gets both contributions in one backward', () => {
    const w = leaf(3);
    add(mul(w, w), sin(w)).backward();
    expectClose(w.grad!, [6 + Math.cos(3)], 1e-15);
  });

  it('createGraph: true lets you differentiate .grad again', () => {
    const x = leaf([2, -1]);
    sum(mul(x, mul(x, x))).backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x²
    expectClose(g, [12, 3], 0);
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    sum(g).backward(); // d/dx Σ 3x² = 6x
    expectClose(x.grad!, [12, -6], 0);
  });

  it('createGraph: true, third order through .grad', () => {
    const x = leaf(0.7);
    sin(x).backward(undefined, { createGraph: true }); // cos
    const g1 = x.grad!;
    x.grad = null;
    g1.backward(undefined, { createGraph: true }); // −sin
    const g2 = x.grad!;
    expectClose(g2, [-Math.sin(0.7)], 1e-15);
    x.grad = null;
    g2.backward(); // −cos
    expectClose(x.grad!, [-Math.cos(0.7)], 1e-15);
  });

  it('without createGraph, .grad has no history', () => {
    const x = leaf([2]);
    sum(mul(x, mul(x, x))).backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(() => x.grad!.backward()).toThrow(GradError);
  });

  it('accumulation under createGraph is differentiable too', () => {
    const x = leaf(1.5);
    square(x).backward(undefined, { createGraph: true }); // 2x
    mul(x, mul(x, x)).backward(undefined, { createGraph: true }); // + 3x²
    const g = x.grad!;
    expectClose(g, [2 * 1.5 + 3 * 1.5 ** 2], 1e-15);
    x.grad = null;
    g.backward(); // 2 + 6x
    expectClose(x.grad!, [2 + 6 * 1.5], 1e-15);
  });

  it('works with float32 leaves (dtype preserved)', () => {
    const w = ones([2, 2]);
    w.requiresGrad = true;
    sum(mul(w, 3)).backward();
    expect(w.grad!.dtype).toBe('float32');
    expect(w.grad!.toArray()).toEqual([
      [3, 3],
      [3, 3],
    ]);
  });
});
