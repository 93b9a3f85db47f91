// Known numerical failure modes of autodiff libraries, each checked against an independent expected value
// (closed forms evaluated in plain JS doubles, or float64 finite differences via gradcheck).
import {
  add,
  gt,
  grad,
  log,
  logSoftmax,
  logSumExp,
  matmul,
  mul,
  norm,
  sigmoid,
  softmax,
  softplus,
  sqrt,
  sum,
  tensor,
  vjp,
  where,
  type DType,
  type Tensor,
} from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { describe, expect, it } from 'vitest';
import { expectClose, expectFinite, f64, uniform64 } from './_numeric.js';

const NEG_INF = -Infinity;

/** Plain-JS log Σ exp over a list (−∞ entries contribute 0). */
function lseJs(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === NEG_INF) return NEG_INF;
  return m + Math.log(xs.reduce((acc, v) => acc + Math.exp(v - m), 0));
}

/** Plain-JS softmax over a list. */
function softmaxJs(xs: readonly number[]): number[] {
  const l = lseJs(xs);
  return xs.map((v) => Math.exp(v - l));
}

/** Rows of a row-major [rows, cols] list. */
function rowsOf(values: readonly number[], cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

describe('logSumExp and logSoftmax with −∞ entries (masked positions)', () => {
  const x = [0.5, NEG_INF, Math.log(2), NEG_INF, -1];

  it('logSumExp: correct value and finite gradient (softmax, 0 at masked positions)', () => {
    const t = f64(x);
    expectClose(logSumExp(t), [lseJs(x)], 1e-14, 1e-14);
    const g = grad((v: Tensor) => logSumExp(v))(t);
    expectFinite(g, 'gradient');
    expectClose(g, softmaxJs(x), 1e-14, 1e-12);
  });

  it('logSoftmax: −∞ stays −∞, finite entries correct, gradient finite and correct', () => {
    const t = f64(x);
    const l = lseJs(x);
    expectClose(
      logSoftmax(t),
      x.map((v) => v - l),
      1e-14,
      1e-14,
    );
    // loss = Σ cᵢ·logSoftmax(x)ᵢ with c = 0 at masked positions (as a cross-entropy target would be):
    // ∂/∂xⱼ = cⱼ − (Σc)·softmaxⱼ.
    const c = [0.3, 0, -1.2, 0, 2];
    const total = c.reduce((a, b) => a + b, 0);
    const s = softmaxJs(x);
    const g = grad((v: Tensor) => sum(mul(where(f64(c.map((ci) => (ci === 0 ? 0 : 1))), logSoftmax(v), 0), f64(c))))(t);
    expectFinite(g, 'gradient');
    expectClose(
      g,
      c.map((cj, j) => cj - total * s[j]!),
      1e-14,
      1e-12,
    );
  });

  it('logSoftmax: vjp with a general cotangent is u − (Σu)·softmax, finite at masked positions', () => {
    const u = [0.3, 0.7, -1.2, 0.1, 2];
    const [, pullback] = vjp((v: Tensor) => logSoftmax(v), f64(x));
    const g = pullback(f64(u))[0]!;
    const total = u.reduce((a, b) => a + b, 0);
    const s = softmaxJs(x);
    expectFinite(g, 'gradient');
    expectClose(
      g,
      u.map((uj, j) => uj - total * s[j]!),
      1e-14,
      1e-12,
    );
  });

  const grid = [
    [0.2, NEG_INF, 1.5, -0.3],
    [NEG_INF, NEG_INF, 0.7, NEG_INF],
    [-2, 0.1, NEG_INF, 3],
  ];
  const flat = grid.flat();

  it('logSumExp along axis 1 of a 2-D tensor: values and gradient per row', () => {
    const t = f64(flat, [3, 4]);
    expectClose(logSumExp(t, 1), grid.map(lseJs), 1e-14, 1e-14);
    const u = [0.5, -2, 1.5];
    const [, pullback] = vjp((v: Tensor) => logSumExp(v, 1), t);
    const g = pullback(f64(u))[0]!;
    expectFinite(g, 'gradient');
    expectClose(
      g,
      grid.flatMap((row, r) => softmaxJs(row).map((s) => u[r]! * s)),
      1e-14,
      1e-12,
    );
  });

  it('logSumExp along axis 0 of a 2-D tensor, keepDims', () => {
    const t = f64(flat, [3, 4]);
    const columns = [0, 1, 2, 3].map((c) => grid.map((row) => row[c]!));
    const out = logSumExp(t, 0, true);
    expect(out.shape).toEqual([1, 4]);
    expectClose(out, columns.map(lseJs), 1e-14, 1e-14);
    const g = grad((v: Tensor) => sum(logSumExp(v, 0)))(t);
    expectFinite(g, 'gradient');
    const sCols = columns.map(softmaxJs);
    expectClose(
      g,
      flat.map((_, k) => sCols[k % 4]![Math.floor(k / 4)]!),
      1e-14,
      1e-12,
    );
  });

  it('logSoftmax along axis 1 of a 2-D tensor: values and finite gradient', () => {
    const t = f64(flat, [3, 4]);
    expectClose(
      logSoftmax(t, 1),
      grid.flatMap((row) => row.map((v) => v - lseJs(row))),
      1e-14,
      1e-14,
    );
    const u = rowsOf(uniform64([12], 3).toArray() as number[], 4);
    const [, pullback] = vjp((v: Tensor) => logSoftmax(v, 1), t);
    const g = pullback(f64(u.flat(), [3, 4]))[0]!;
    expectFinite(g, 'gradient');
    const expected = grid.flatMap((row, r) => {
      const s = softmaxJs(row);
      const total = u[r]!.reduce((a, b) => a + b, 0);
      return row.map((_, j) => u[r]![j]! - total * s[j]!);
    });
    expectClose(g, expected, 1e-14, 1e-12);
  });

  it('a row of all −∞: its logSumExp is −∞, the other rows are unaffected (values and gradients, no NaN)', () => {
    const rows = [
      [0.5, 1, -0.5],
      [NEG_INF, NEG_INF, NEG_INF],
      [2, NEG_INF, 1],
    ];
    const t = f64(rows.flat(), [3, 3]);
    const value = logSumExp(t, 1);
    expect(value.data[1]).toBe(NEG_INF);
    expectClose([value.data[0]!, value.data[2]!], [lseJs(rows[0]!), lseJs(rows[2]!)], 1e-14, 1e-14);
    // A padding row usually gets a zero cotangent: then its gradient must be 0 too, not 0·∞ = NaN.
    const u = [1.5, 0, -0.5];
    const [, pullback] = vjp((v: Tensor) => logSumExp(v, 1), t);
    const g = pullback(f64(u))[0]!;
    expectFinite(g, 'gradient');
    const expected = rows.flatMap((row, r) => (r === 1 ? [0, 0, 0] : softmaxJs(row).map((s) => u[r]! * s)));
    expectClose(g, expected, 1e-14, 1e-12);
    // With a nonzero cotangent on the dead row, the other rows still get clean gradients.
    const g2 = pullback(f64([1, 1, 1]))[0]!;
    const live = [0, 1, 2, 6, 7, 8].map((k) => g2.data[k]!);
    expectFinite(live, 'gradient of the live rows');
    expectClose(live, [...softmaxJs(rows[0]!), ...softmaxJs(rows[2]!)], 1e-14, 1e-12);
  });
});

describe('where(cond, f(x), 0) with f undefined or singular off the branch', () => {
  const xs = [0, 0.25, 4, -1];

  it('where(gt(x, 0), sqrt(x), 0): finite gradient at 0 (zero) and 1/(2√x) elsewhere', () => {
    const f = (v: Tensor) => where(gt(v, 0), sqrt(v), 0);
    const t = f64(xs);
    expectClose(f(t), [0, 0.5, 2, 0], 0);
    const g = grad((v: Tensor) => sum(f(v)))(t);
    expectFinite(g, 'gradient');
    expectClose(
      g,
      xs.map((v) => (v > 0 ? 1 / (2 * Math.sqrt(v)) : 0)),
      1e-15,
      1e-14,
    );
  });

  it('where(gt(x, 0), sqrt(x), 0): second derivative finite at 0 and −1/(4x^{3/2}) elsewhere', () => {
    const f = (v: Tensor) => sum(where(gt(v, 0), sqrt(v), 0));
    const h = grad((v: Tensor) => sum(grad(f)(v)))(f64(xs));
    expectFinite(h, 'second derivative');
    expectClose(
      h,
      xs.map((v) => (v > 0 ? -1 / (4 * v ** 1.5) : 0)),
      1e-14,
      1e-12,
    );
  });

  it('where(gt(x, 0), log(x), 0): finite gradient at 0 (zero) and 1/x elsewhere, second order too', () => {
    const f = (v: Tensor) => where(gt(v, 0), log(v), 0);
    const t = f64(xs);
    expectClose(
      f(t),
      xs.map((v) => (v > 0 ? Math.log(v) : 0)),
      1e-15,
      1e-15,
    );
    const g = grad((v: Tensor) => sum(f(v)))(t);
    expectFinite(g, 'gradient');
    expectClose(
      g,
      xs.map((v) => (v > 0 ? 1 / v : 0)),
      1e-15,
      1e-14,
    );
    const h = grad((v: Tensor) => sum(grad((w: Tensor) => sum(f(w)))(v)))(t);
    expectFinite(h, 'second derivative');
    expectClose(
      h,
      xs.map((v) => (v > 0 ? -1 / (v * v) : 0)),
      1e-14,
      1e-12,
    );
  });

  it('the same in float32', () => {
    const t = tensor(xs, { dtype: 'float32' });
    const gs = grad((v: Tensor) => sum(where(gt(v, 0), sqrt(v), 0)))(t);
    const gl = grad((v: Tensor) => sum(where(gt(v, 0), log(v), 0)))(t);
    expectFinite(gs, 'sqrt gradient');
    expectFinite(gl, 'log gradient');
    expectClose(gs, [0, 1, 0.25, 0], 1e-6);
    expectClose(gl, [0, 4, 0.25, 0], 1e-6);
  });
});

describe('norm at the origin', () => {
  // norm = √Σx² is documented to have gradient 0 at 0, as PyTorch's; elsewhere it is x/‖x‖.
  it('gradient of norm(x) at x = 0 is 0, not NaN', () => {
    const g = grad((v: Tensor) => norm(v))(f64([0, 0, 0]));
    expectFinite(g, 'gradient');
    expectClose(g, [0, 0, 0], 0);
  });

  it('along an axis, a zero row gets gradient 0 and the other rows x/‖x‖', () => {
    const g = grad((v: Tensor) => sum(norm(v, 1)))(f64([0, 0, 3, 4], [2, 2]));
    expectFinite(g, 'gradient');
    expectClose(g, [0, 0, 0.6, 0.8], 1e-15, 1e-14);
  });
});

describe('shift invariance: softmax and logSumExp at +1000', () => {
  const base = [0.3, -1.2, 2.1, 0.05, -0.4];
  const c = [1, -2, 0.5, 3, -1]; // weights of the loss Σ c·softmax(x)

  for (const dtype of ['float64', 'float32'] as DType[]) {
    // The inputs as the dtype stores them: x + 1000 rounds in float32 (ulp 6e-5), so expected values are computed
    // from the stored inputs, and only the algorithm's own error is measured.
    const stored = (shift: number) => {
      const t = tensor(
        base.map((v) => v + shift),
        { dtype },
      );
      return { t, values: Array.from(t.data) };
    };
    const tol = dtype === 'float64' ? { atol: 1e-12, rtol: 1e-10 } : { atol: 2e-6, rtol: 5e-4 };

    it(`${dtype}: softmax(x + 1000) is finite and equals softmax(x), values and gradients`, () => {
      for (const shift of [0, 1000]) {
        const { t, values } = stored(shift);
        const s = softmaxJs(values);
        const out = softmax(t);
        expectFinite(out, `softmax at shift ${shift}`);
        expectClose(out, s, tol.atol, tol.rtol);
        // ∂/∂xⱼ Σ cᵢ sᵢ = sⱼ (cⱼ − Σ cᵢ sᵢ)
        const cs = c.reduce((acc, ci, i) => acc + ci * s[i]!, 0);
        const g = grad((v: Tensor) => sum(mul(softmax(v), tensor(c, { dtype }))))(t);
        expectFinite(g, `softmax gradient at shift ${shift}`);
        expectClose(
          g,
          s.map((sj, j) => sj * (c[j]! - cs)),
          tol.atol,
          tol.rtol,
        );
      }
    });

    it(`${dtype}: logSumExp(x + 1000) = 1000 + logSumExp(x), gradient = softmax`, () => {
      for (const shift of [0, 1000]) {
        const { t, values } = stored(shift);
        const value = logSumExp(t);
        expectFinite(value, `logSumExp at shift ${shift}`);
        // relative tolerance on ~1000 for float32 would be loose; compare the difference to the value
        expectClose(value, [lseJs(values)], dtype === 'float64' ? 1e-12 : 1e-4, dtype === 'float64' ? 1e-14 : 1e-7);
        const g = grad((v: Tensor) => logSumExp(v))(t);
        expectFinite(g, `logSumExp gradient at shift ${shift}`);
        expectClose(g, softmaxJs(values), tol.atol, tol.rtol);
      }
    });
  }

  it('softmax along an axis of a 2-D tensor with +1000 in one row only (float32)', () => {
    const rows = [base, base.map((v) => v + 1000)];
    const t = tensor(rows.flat(), { dtype: 'float32', shape: [2, 5] });
    const stored = rowsOf(Array.from(t.data), 5);
    expectClose(softmax(t, 1), stored.flatMap(softmaxJs), 2e-6, 5e-4);
  });
});

describe('sigmoid and softplus at ±1e3 in float32', () => {
  const x = () => tensor([1e3, -1e3], { dtype: 'float32' });

  it('sigmoid: values 1 and 0, gradients finite and 0', () => {
    const s = sigmoid(x());
    expect(Array.from(s.data)).toEqual([1, 0]);
    const g = grad((v: Tensor) => sum(sigmoid(v)))(x());
    expectFinite(g, 'sigmoid gradient');
    // σ'(±1000) = e^{−1000}/(1+e^{−1000})² ≈ 0 (below the smallest float32 and float64 numbers)
    expectClose(g, [0, 0], 1e-30, 0);
  });

  it('softplus: values 1000 and 0, gradients finite, 1 and 0', () => {
    const s = softplus(x());
    expectFinite(s, 'softplus');
    expectClose(s, [1000, 0], 1e-30, 1e-7);
    const g = grad((v: Tensor) => sum(softplus(v)))(x());
    expectFinite(g, 'softplus gradient');
    expectClose(g, [1, 0], 1e-7, 0); // softplus' = σ
  });

  it('the same extremes in float64', () => {
    const t = f64([1e3, -1e3, 40, -40]);
    expectClose(sigmoid(t), [1, 0, 1 / (1 + Math.exp(-40)), 1 / (1 + Math.exp(40))], 1e-300, 1e-15);
    expectClose(softplus(t), [1000, 0, 40 + Math.log1p(Math.exp(-40)), Math.log1p(Math.exp(-40))], 1e-300, 1e-15);
    const g = grad((v: Tensor) => sum(softplus(v)))(t);
    expectFinite(g);
    expectClose(g, [1, 0, 1 / (1 + Math.exp(-40)), 1 / (1 + Math.exp(40))], 1e-300, 1e-14);
  });

  it("softplus' = sigmoid at moderate values (float64)", () => {
    const xs = [-3, -0.5, 0.5, 2.5];
    const g = grad((v: Tensor) => sum(softplus(v)))(f64(xs));
    expectClose(
      g,
      xs.map((v) => 1 / (1 + Math.exp(-v))),
      1e-15,
      1e-14,
    );
    expectClose(
      softplus(f64(xs)),
      xs.map((v) => Math.log1p(Math.exp(v))),
      1e-15,
      1e-14,
    );
  });

  it("softplus'(0) = sigmoid(0) = 1/2 (softplus is smooth at 0; its kinked pieces must not leak into the gradient)", () => {
    expectClose(softplus(f64(0)), [Math.LN2], 1e-16, 1e-15);
    const g = grad((v: Tensor) => softplus(v))(f64(0));
    expectClose(g, [0.5], 1e-15, 0);
    // second derivative σ(0)(1 − σ(0)) = 1/4
    const h = grad(grad((v: Tensor) => softplus(v)))(f64(0));
    expectClose(h, [0.25], 1e-12, 0);
  });
});

describe('matmul gradients: every transpose flag combination, against float64 finite differences', () => {
  const combos = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;
  // Stored layouts for logical [m, k] · [k, n] with m = 3, k = 4, n = 2.
  const aShape = (ta: boolean, batch: number[]) => [...batch, ...(ta ? [4, 3] : [3, 4])];
  const bShape = (tb: boolean, batch: number[]) => [...batch, ...(tb ? [2, 4] : [4, 2])];
  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: 'rank 2 · rank 2', a: [], b: [] },
    { name: 'rank 3 · rank 3 (same batch)', a: [2], b: [2] },
    { name: 'rank 3 · rank 2 (b broadcast over the batch)', a: [3], b: [] },
    { name: 'rank 2 · rank 3 (a broadcast over the batch)', a: [], b: [3] },
    { name: 'rank 4 · rank 3 (partial broadcast [2,1] with [3])', a: [2, 1], b: [3] },
  ];
  let seed = 100;
  for (const { name, a: batchA, b: batchB } of cases) {
    for (const [ta, tb] of combos) {
      it(`${name}, transposeA=${ta}, transposeB=${tb}`, () => {
        const a = uniform64(aShape(ta, batchA), seed++);
        const b = uniform64(bShape(tb, batchB), seed++);
        const f = (x: Tensor, y: Tensor) => matmul(x, y, { transposeA: ta, transposeB: tb });
        expect(gradcheck(f, [a, b])).toBe(true);
        if (batchA.length + batchB.length <= 1) expect(gradgradcheck(f, [a, b])).toBe(true);
      });
    }
  }

  it('forward with flags equals the product of explicitly transposed matrices (plain JS)', () => {
    const a = uniform64([4, 3], 7); // used as aᵀ: [3,4]
    const b = uniform64([2, 4], 8); // used as bᵀ: [4,2]
    const out = matmul(a, b, { transposeA: true, transposeB: true });
    const A = (i: number, k: number) => a.data[k * 3 + i]!;
    const B = (k: number, j: number) => b.data[j * 4 + k]!;
    const expected = Array.from({ length: 6 }, (_, idx) => {
      const i = Math.floor(idx / 2);
      const j = idx % 2;
      let s = 0;
      for (let k = 0; k < 4; k++) s += A(i, k) * B(k, j);
      return s;
    });
    expect(out.shape).toEqual([3, 2]);
    expectClose(out, expected, 1e-15, 1e-14);
  });

  it('a composite with matmul and a broadcast bias: gradcheck and gradgradcheck', () => {
    const f = (x: Tensor, w: Tensor, bias: Tensor) => softmax(add(matmul(x, w, { transposeB: true }), bias));
    const inputs = [uniform64([2, 3, 4], 50), uniform64([5, 4], 51), uniform64([5], 52)];
    expect(gradcheck(f, inputs)).toBe(true);
    expect(gradgradcheck(f, inputs)).toBe(true);
  });
});
