import {
  add,
  cast,
  exp,
  grad,
  GradError,
  jacobian,
  jvp,
  matmul,
  mul,
  reshape,
  sin,
  softmax,
  square,
  sum,
  tanh,
  tensor,
  vjp,
  type Tensor,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, fdJacobian, uniform64 } from '../../test/_numeric.js';

/** J·t from a row-major Jacobian given as rows [out][in]. */
function jacobianTimes(rows: number[][], t: Tensor): number[] {
  return rows.map((row) => row.reduce((acc, j, e) => acc + j * t.data[e]!, 0));
}

/** uᵀ·J from a row-major Jacobian given as rows [out][in]. */
function timesJacobian(u: Tensor, rows: number[][]): number[] {
  const width = rows[0]?.length ?? 0;
  return Array.from({ length: width }, (_, e) => rows.reduce((acc, row, r) => acc + u.data[r]! * row[e]!, 0));
}

describe('vjp', () => {
  it('returns the output and a pullback that can be called several times with different cotangents', () => {
    const x = f64([1, 2, 3]);
    const [y, pullback] = vjp((t: Tensor) => mul(square(t), 2), x); // y = 2x², J = diag(4x)
    expectClose(y, [2, 8, 18], 0);
    expectClose(pullback(f64([1, 1, 1]))[0]!, [4, 8, 12], 1e-12);
    expectClose(pullback(f64([0, 1, -2]))[0]!, [0, 8, -24], 1e-12);
    // The first call did not consume anything: the same cotangent gives the same answer again.
    expectClose(pullback(f64([1, 1, 1]))[0]!, [4, 8, 12], 1e-12);
  });

  it('returns one cotangent per primal, zeros for a primal the output ignores', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const c = f64([5, 6, 7]);
    const [, pullback] = vjp((x: Tensor, y: Tensor, _z: Tensor) => mul(x, y), a, b, c);
    const [ga, gb, gc] = pullback(f64([1, -1]));
    expectClose(ga!, [3, -4], 0);
    expectClose(gb!, [1, -2], 0);
    expect(gc!.shape).toEqual([3]);
    expect(Array.from(gc!.data)).toEqual([0, 0, 0]);
  });

  it('matches uᵀJ from central differences on a random function', () => {
    const f = (w: Tensor, x: Tensor) => tanh(matmul(x, w));
    const w = uniform64([3, 2], 11);
    const x = uniform64([4, 3], 12);
    const u = uniform64([4, 2], 13);
    const [, pullback] = vjp(f, w, x);
    const [gw, gx] = pullback(u);
    expectClose(gw!, timesJacobian(u, fdJacobian(f, [w, x], 0)), 1e-7, 1e-6);
    expectClose(gx!, timesJacobian(u, fdJacobian(f, [w, x], 1)), 1e-7, 1e-6);
  });

  it('throws GradError when the cotangent shape does not match the output, naming both', () => {
    const [, pullback] = vjp((t: Tensor) => mul(t, 2), f64([1, 2, 3]));
    expect(() => pullback(f64([1, 2]))).toThrow(GradError);
    expect(() => pullback(f64([1, 2]))).toThrow(/\[3\].*\[2\]/);
    expect(() => pullback(f64([1, 2, 3], [3, 1]))).toThrow(/\[3,1\]/);
  });

  it('throws GradError when the cotangent dtype does not match the output', () => {
    const [, pullback] = vjp((t: Tensor) => mul(t, 2), f64([1, 2, 3]));
    expect(() => pullback(tensor([1, 1, 1]))).toThrow(GradError);
    expect(() => pullback(tensor([1, 1, 1]))).toThrow(/float64.*float32/);
  });

  it('throws GradError when a primal is not a Tensor', () => {
    expect(() => vjp((t: Tensor) => t, 3 as unknown as Tensor)).toThrow(GradError);
    expect(() => vjp((t: Tensor) => t, 3 as unknown as Tensor)).toThrow(/primal 0/);
  });

  it('a pullback taken inside grad can be differentiated (vjp of vjp)', () => {
    // pullback of y = x³ with cotangent 1 is 3x²; its derivative is 6x.
    const g = grad((x: Tensor) => {
      const [, pullback] = vjp((t: Tensor) => mul(t, mul(t, t)), x);
      return sum(pullback(f64(1))[0]!);
    });
    expectClose(g(f64(2)), [12], 1e-12);
  });
});

describe('jvp', () => {
  const cases: { name: string; f: (...xs: Tensor[]) => Tensor; primals: Tensor[] }[] = [
    { name: 'matmul', f: (a, b) => matmul(a!, b!), primals: [uniform64([3, 4], 21), uniform64([4, 2], 22)] },
    {
      name: 'batched matmul with transposeB',
      f: (a, b) => matmul(a!, b!, { transposeB: true }),
      primals: [uniform64([2, 3, 4], 23), uniform64([5, 4], 24)],
    },
    { name: 'tanh', f: (x) => tanh(x!), primals: [uniform64([2, 3], 25, -2, 2)] },
    { name: 'softmax (last axis)', f: (x) => softmax(x!), primals: [uniform64([3, 4], 26, -3, 3)] },
    { name: 'softmax (axis 0)', f: (x) => softmax(x!, 0), primals: [uniform64([3, 2], 27, -3, 3)] },
    {
      name: 'a composite of several ops',
      f: (x, w) => mul(sin(matmul(x!, w!)), exp(mul(sum(x!), 0.1))),
      primals: [uniform64([2, 3], 28), uniform64([3, 3], 29)],
    },
  ];

  for (const { name, f, primals } of cases) {
    it(`${name}: J·t equals jacobian(f)·t and central differences`, () => {
      const tangents = primals.map((p, i) => uniform64([...p.shape], 100 + i));
      const [out, tangentOut] = jvp(f, primals, tangents);
      expectClose(out, f(...primals), 0);
      expect(tangentOut.shape).toEqual(out.shape);
      expect(tangentOut.dtype).toBe('float64');
      // Expected 1: Σᵢ Jᵢ·tᵢ with each Jᵢ from the library's jacobian (reverse mode, an independent code path).
      const viaJacobian = new Array<number>(out.size).fill(0);
      primals.forEach((_, i) => {
        const J = jacobian(f, i)(...primals);
        expect(J.shape).toEqual([...out.shape, ...primals[i]!.shape]);
        const width = primals[i]!.size;
        for (let r = 0; r < out.size; r++) {
          for (let e = 0; e < width; e++) viaJacobian[r]! += J.data[r * width + e]! * tangents[i]!.data[e]!;
        }
      });
      expectClose(tangentOut, viaJacobian, 1e-12, 1e-10);
      // Expected 2: central differences, plain JS.
      const viaDifferences = new Array<number>(out.size).fill(0);
      primals.forEach((_, i) => {
        jacobianTimes(fdJacobian(f, primals, i), tangents[i]!).forEach((v, r) => (viaDifferences[r]! += v));
      });
      expectClose(tangentOut, viaDifferences, 1e-7, 1e-6);
    });
  }

  it('sin at 0 along 1 gives [0, 1]', () => {
    const [y, dy] = jvp((x: Tensor) => sin(x), [f64(0)], [f64(1)]);
    expect(y.item()).toBe(0);
    expect(dy.item()).toBe(1);
  });

  it('is linear in the tangent: scaling the tangent scales the output tangent', () => {
    const f = (x: Tensor) => tanh(mul(x, x));
    const x = uniform64([4], 31);
    const t = uniform64([4], 32);
    const [, d1] = jvp(f, [x], [t]);
    const [, d3] = jvp(f, [x], [mul(t, 3)]);
    expectClose(
      d3,
      Array.from(d1.data, (v) => 3 * v),
      1e-14,
      1e-12,
    );
  });

  it('a function that ignores its input has a zero output tangent', () => {
    const [, dy] = jvp((_x: Tensor) => f64([1, 2]), [f64([3, 4, 5])], [f64([1, 1, 1])]);
    expect(Array.from(dy.data)).toEqual([0, 0]);
  });

  it('a sum of two primals: J·t = t₀ + t₁, including a broadcast primal (sum over its axis)', () => {
    const [, d] = jvp((a: Tensor, b: Tensor) => add(a, b), [f64([1, 2]), f64([3, 4])], [f64([0.5, -1]), f64([2, 3])]);
    expectClose(d, [2.5, 2], 0);
    // a: [2], b: [] broadcast: out = c·(a + b); the cotangent of b is derived from that of a (a sum of it)
    const c = f64([3, -2]);
    const [, d2] = jvp((a: Tensor, b: Tensor) => mul(c, add(a, b)), [f64([1, 2]), f64(5)], [f64([1, 10]), f64(0.5)]);
    expectClose(d2, [3 * (1 + 0.5), -2 * (10 + 0.5)], 0);
  });

  it('the identity function passes the tangent through', () => {
    const [, dy] = jvp((x: Tensor) => x, [f64([3, 4])], [f64([1, -2])]);
    expectClose(dy, [1, -2], 0);
  });

  it('throws GradError for a wrong number, shape or dtype of tangents', () => {
    const f = (a: Tensor, b: Tensor) => add(a, b);
    const p = [f64([1, 2]), f64([3, 4])];
    expect(() => jvp(f, p, [f64([1, 1])])).toThrow(GradError);
    expect(() => jvp(f, p, [f64([1, 1])])).toThrow(/2 primals but 1 tangents/);
    expect(() => jvp(f, p, [f64([1, 1]), f64([1, 1, 1])])).toThrow(/tangent 1/);
    expect(() => jvp(f, p, [cast(f64([1, 1]), 'float32'), f64([1, 1])])).toThrow(/tangent 0 must be float64/);
  });
});

describe('composing forward and reverse mode', () => {
  it('forward-over-reverse: jvp(grad(f), x, v) is the Hessian-vector product (A + Aᵀ)·v for f = xᵀAx', () => {
    const A = uniform64([3, 3], 41, -2, 2);
    const f = (x: Tensor) => sum(mul(x, matmul(A, x)));
    const x = uniform64([3, 1], 42);
    const v = uniform64([3, 1], 43);
    const [g, hv] = jvp((t: Tensor) => grad(f)(t), [x], [v]);
    const a = A.data;
    const sym = (i: number, j: number) => a[i * 3 + j]! + a[j * 3 + i]!;
    const expectedG = [0, 1, 2].map((i) => [0, 1, 2].reduce((acc, j) => acc + sym(i, j) * x.data[j]!, 0));
    const expectedHv = [0, 1, 2].map((i) => [0, 1, 2].reduce((acc, j) => acc + sym(i, j) * v.data[j]!, 0));
    expectClose(g, expectedG, 1e-13, 1e-12);
    expectClose(hv, expectedHv, 1e-13, 1e-12);
  });

  it("reverse-over-forward: grad of a jvp, d/dx [sin'(x)·t] = −sin(x)·t", () => {
    const t = f64(0.75);
    const g = grad((x: Tensor) => jvp((y: Tensor) => sin(y), [x], [t])[1]);
    for (const v of [0.2, -1.3]) expectClose(g(f64(v)), [-Math.sin(v) * 0.75], 1e-15, 1e-14);
  });

  it('jvp of jvp: second directional derivative of exp(x₀·x₁)', () => {
    // f = exp(x₀x₁); along t = (t₀, t₁): D²f[t,t] = f·(x₁t₀ + x₀t₁)² + f·2t₀t₁
    const f = (x: Tensor) => exp(mul(x, tensorFlip(x)));
    const x = f64([0.3, -0.8]);
    const t = f64([1.5, 0.5]);
    const inner = (y: Tensor) => jvp(f, [y], [t])[1];
    const [, second] = jvp(inner, [x], [t]);
    const [x0, x1] = [0.3, -0.8];
    const [t0, t1] = [1.5, 0.5];
    const fx = Math.exp(x0 * x1);
    const d2 = fx * (x1 * t0 + x0 * t1) ** 2 + fx * 2 * t0 * t1;
    // f is elementwise of x⊙flip(x), both entries equal exp(x₀x₁)
    expectClose(second, [d2, d2], 1e-12, 1e-12);
  });

  it('no perturbation confusion in nested jvp: d/dx [x · (d/dy (x + y))] = 1', () => {
    const inner = (x: Tensor) => jvp((y: Tensor) => add(x, y), [f64(1)], [f64(1)])[1];
    const [, d] = jvp((x: Tensor) => mul(x, inner(x)), [f64(3)], [f64(1)]);
    expectClose(d, [1], 0);
  });
});

/** [x₁, x₀] for a two-element vector, as a product with the exchange matrix. */
function tensorFlip(x: Tensor): Tensor {
  return reshape(matmul(f64([0, 1, 1, 0], [2, 2]), reshape(x, [2, 1])), [2]);
}
