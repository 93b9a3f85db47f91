import {
  exp,
  eye,
  grad,
  GradError,
  hessian,
  jacobian,
  matmul,
  mul,
  reshape,
  sin,
  softmax,
  sum,
  tanh,
  transpose,
  type Tensor,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, fdJacobian, uniform64 } from '../../test/_numeric.js';

describe('jacobian', () => {
  it('has shape [...out, ...in] and matches central differences (matrix in, matrix out)', () => {
    const w = uniform64([3, 4], 1);
    const f = (x: Tensor) => tanh(matmul(x, w)); // [2,3] → [2,4]
    const x = uniform64([2, 3], 2);
    const J = jacobian(f)(x);
    expect(J.shape).toEqual([2, 4, 2, 3]);
    expect(J.dtype).toBe('float64');
    expectClose(J, fdJacobian(f, [x]).flat(), 1e-8, 1e-6);
  });

  it('vector in, vector out: diag of the elementwise derivative', () => {
    const x = f64([0.1, -0.7, 1.3]);
    const J = jacobian((t: Tensor) => sin(t))(x);
    expect(J.shape).toEqual([3, 3]);
    const c = Array.from(x.data, Math.cos);
    expectClose(J, [c[0]!, 0, 0, 0, c[1]!, 0, 0, 0, c[2]!], 1e-15);
  });

  it('scalar out: shape is the input shape (the gradient)', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    const J = jacobian((t: Tensor) => sum(mul(t, t)))(x);
    expect(J.shape).toEqual([2, 2]);
    expectClose(J, [2, 4, 6, 8], 0);
  });

  it('scalar in: shape is the output shape', () => {
    const J = jacobian((t: Tensor) => mul(f64([1, 2, 3]), exp(t)))(f64(0.5));
    expect(J.shape).toEqual([3]);
    const e = Math.exp(0.5);
    expectClose(J, [e, 2 * e, 3 * e], 1e-15, 1e-15);
  });

  it('softmax: J = diag(s) − s sᵀ', () => {
    const x = f64([0.2, -1, 0.7, 1.5]);
    const J = jacobian((t: Tensor) => softmax(t))(x);
    const ex = Array.from(x.data, Math.exp);
    const z = ex.reduce((a, b) => a + b, 0);
    const s = ex.map((v) => v / z);
    const expected = s.flatMap((si, i) => s.map((sj, j) => (i === j ? si : 0) - si * sj));
    expectClose(J, expected, 1e-14, 1e-12);
  });

  it('with respect to a later argument (argnum)', () => {
    const a = uniform64([2, 3], 5);
    const b = uniform64([3, 2], 6);
    const f = (p: Tensor, q: Tensor) => matmul(p, q);
    const Jb = jacobian(f, 1)(a, b);
    expect(Jb.shape).toEqual([2, 2, 3, 2]);
    expectClose(Jb, fdJacobian(f, [a, b], 1).flat(), 1e-8, 1e-6);
  });

  it('is differentiable: grad of the trace of jacobian(sin) is −sin', () => {
    const x = f64([0.4, -1.2, 2]);
    const trace = (t: Tensor) => sum(mul(jacobian((u: Tensor) => sin(u))(t), eye(3, 3, { dtype: 'float64' })));
    expectClose(trace(x), [Array.from(x.data, Math.cos).reduce((a, b) => a + b, 0)], 1e-15, 1e-15);
    expectClose(
      grad(trace)(x),
      Array.from(x.data, (v) => -Math.sin(v)),
      1e-15,
      1e-14,
    );
  });

  it('throws GradError when the argument is not a Tensor', () => {
    const f = jacobian((t: Tensor) => t) as (t: unknown) => Tensor;
    expect(() => f(2)).toThrow(GradError);
    expect(() => f(2)).toThrow(/argument 0/);
  });
});

describe('hessian', () => {
  it('of the quadratic form xᵀAx is A + Aᵀ', () => {
    const A = uniform64([4, 4], 7, -2, 2); // not symmetric
    const quad = (x: Tensor) => sum(mul(x, reshape(matmul(A, reshape(x, [4, 1])), [4])));
    const x = uniform64([4], 8);
    const H = hessian(quad)(x);
    expect(H.shape).toEqual([4, 4]);
    const a = A.data;
    const expected = Array.from({ length: 16 }, (_, k) => a[k]! + a[(k % 4) * 4 + Math.floor(k / 4)]!);
    expectClose(H, expected, 1e-12, 1e-12);
  });

  it('of xᵀAx written with transposeA and a matrix argument is still A + Aᵀ (per column)', () => {
    const A = uniform64([3, 3], 9, -2, 2);
    // x: [3,1]; f = Σ (xᵀ A x)
    const quad = (x: Tensor) => sum(matmul(x, matmul(A, x), { transposeA: true }));
    const H = hessian(quad)(uniform64([3, 1], 10));
    expect(H.shape).toEqual([3, 1, 3, 1]);
    const a = A.data;
    const sym = Array.from({ length: 9 }, (_, k) => a[k]! + a[(k % 3) * 3 + Math.floor(k / 3)]!);
    expectClose(H, sym, 1e-12, 1e-12);
    // and the answer does not depend on where it is taken
    expectClose(hessian(quad)(uniform64([3, 1], 11)), sym, 1e-12, 1e-12);
    expectClose(transpose(reshape(H, [3, 3])), sym, 1e-12, 1e-12);
  });

  it('of Σ sin(xᵢ)·xⱼ-free terms is diagonal: d²/dx² Σ sin x = diag(−sin x)', () => {
    const x = f64([0.3, -1.1, 2]);
    const H = hessian((t: Tensor) => sum(sin(t)))(x);
    const s = Array.from(x.data, (v) => -Math.sin(v));
    expectClose(H, [s[0]!, 0, 0, 0, s[1]!, 0, 0, 0, s[2]!], 1e-14, 1e-12);
  });
});
