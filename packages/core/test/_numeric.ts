// Plain-JS reference numerics for tests: central differences and closeness checks that do not use the tape.
// Expected gradients in the autodiff tests come from here or from closed forms, never from the library's backward.
import { Generator, noGrad, tensor, type Tensor } from '@loom/core';
import { expect } from 'vitest';

/** A float64 tensor from a flat list and a shape. */
export function f64(values: readonly number[] | number, shape?: readonly number[]): Tensor {
  if (typeof values === 'number') return tensor(values, { dtype: 'float64' });
  return tensor([...values], { dtype: 'float64', shape: shape ?? [values.length] });
}

/** A float64 tensor of uniform values in [lo, hi) from a seeded generator (plain JS, so no library randomness). */
export function uniform64(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return f64(
    Array.from({ length: n }, () => lo + (hi - lo) * g.uniform()),
    shape,
  );
}

/**
 * Central-difference Jacobian of `f` with respect to argument `argnum`, as rows [out.size][x.size]. Only the
 * forward pass of the library is used (under noGrad); the differencing is plain JS.
 */
export function fdJacobian(f: (...xs: Tensor[]) => Tensor, args: readonly Tensor[], argnum = 0, eps = 1e-6): number[][] {
  const x = args[argnum]!;
  const base = Array.from(x.data);
  const at = (values: number[]) => {
    const xs = args.map((a, i) => (i === argnum ? tensor(values, { dtype: 'float64', shape: [...x.shape] }) : a));
    return Array.from(noGrad(() => f(...xs)).data);
  };
  const outSize = at(base).length;
  const rows = Array.from({ length: outSize }, () => new Array<number>(base.length).fill(0));
  for (let e = 0; e < base.length; e++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[e]! += eps;
    minus[e]! -= eps;
    const fp = at(plus);
    const fm = at(minus);
    for (let r = 0; r < outSize; r++) rows[r]![e] = (fp[r]! - fm[r]!) / (2 * eps);
  }
  return rows;
}

/** The central-difference gradient of scalar-valued `f` with respect to argument `argnum`, flat. */
export function fdGrad(f: (...xs: Tensor[]) => Tensor, args: readonly Tensor[], argnum = 0, eps = 1e-6): number[] {
  const rows = fdJacobian(f, args, argnum, eps);
  expect(rows.length, 'fdGrad needs a scalar-valued function').toBe(1);
  return rows[0]!;
}

/** Asserts |a − e| ≤ atol + rtol·|e| elementwise, with a message naming the first bad index. */
export function expectClose(
  actual: ArrayLike<number> | Tensor,
  expected: ArrayLike<number> | Tensor | number,
  atol = 1e-6,
  rtol = 1e-6,
): void {
  const a = Array.from(isTensor(actual) ? actual.data : actual);
  const e = typeof expected === 'number' ? a.map(() => expected) : Array.from(isTensor(expected) ? expected.data : expected);
  expect(a.length, 'number of elements').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!) || a[i] === e[i];
    if (!ok)
      expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})\n got ${a.join(', ')}\n exp ${e.join(', ')}`);
  }
}

/** Asserts every element is finite (no NaN, no ±∞). */
export function expectFinite(t: Tensor | ArrayLike<number>, what = 'tensor'): void {
  const data = Array.from(isTensor(t) ? t.data : t);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) expect.fail(`${what}: element ${bad} is ${data[bad]} (all: ${data.join(', ')})`);
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'data' in x;
}
