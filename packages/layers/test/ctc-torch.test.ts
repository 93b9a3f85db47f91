import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exp, grad, logSoftmax, mul, sum, tensor, type DType, type Tensor } from '@loom/core';
import { ctcLoss } from '../src/ctc/ctc-loss.js';
import type { Reduction } from '../src/losses/_reduction.js';

/** One case of scripts/fixtures/ctc.py; non-finite numbers are stored as the strings "Infinity" and "NaN". */
interface TorchCtcCase {
  readonly name: string;
  readonly note: string;
  readonly blank: number;
  readonly reduction: Reduction;
  readonly zeroInfinity: boolean;
  readonly shape: [number, number, number];
  readonly logits: number[];
  readonly form: 'padded' | 'concatenated';
  readonly targets: number[] | number[][];
  readonly inputLengths: number[];
  readonly targetLengths: number[];
  readonly weights: number[] | null;
  readonly loss: number | string | (number | string)[];
  readonly gradLogits: (number | string)[];
  readonly gradLogProbs: (number | string)[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ctc/ctc-torch.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: TorchCtcCase[];
};
const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
const flat = (v: TorchCtcCase['loss']): number[] => (Array.isArray(v) ? v.map(num) : [num(v)]);

/** The script's objective: the loss, or Σ_n weights[n]·loss[n] for reduction 'none'. */
function objective(c: TorchCtcCase, dtype: DType): (logProbs: Tensor) => Tensor {
  return (logProbs) => {
    const { blank, reduction, zeroInfinity } = c;
    const loss = ctcLoss(logProbs, c.targets, c.inputLengths, c.targetLengths, { blank, reduction, zeroInfinity });
    return c.weights ? sum(mul(loss, tensor(c.weights, { dtype }))) : loss;
  };
}

/** Equal within `tol`·max(1, |expected|), with NaN matching NaN and ±∞ matching itself. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (!Number.isFinite(e)) expect(a, `${what}[${i}]`).toBe(e);
    else expect(Math.abs(a - e), `${what}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}

describe(`ctcLoss against PyTorch ${fixture.torch} (scripts/fixtures/ctc.py)`, () => {
  const precisions = [
    ['float64', 1e-10],
    ['float32', 1e-4],
  ] as const;
  describe.each(precisions)('%s', (dtype, tol) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: loss and gradient of the logits', (_, c) => {
      const logits = tensor(c.logits, { shape: c.shape, dtype });
      const f = objective(c, dtype);
      const loss = ctcLoss(logSoftmax(logits, -1), c.targets, c.inputLengths, c.targetLengths, c);
      expectClose(loss.data, flat(c.loss), tol, `${c.name} loss`);
      const g = grad((x: Tensor) => f(logSoftmax(x, -1)))(logits);
      expectClose(g.data, c.gradLogits.map(num), tol, `${c.name} gradient`);
    });
  });

  // PyTorch's backward returns exp(lp) − γ for logProbs lp (the logit gradient under logSoftmax); loom returns the
  // true derivative −γ. On a real frame of sequence n the two differ by wₙ·exp(lp), wₙ the objective's weight of ℓₙ.
  const feasible = fixture.cases.filter((c) => !c.zeroInfinity && flat(c.loss).every(Number.isFinite));
  it.each(feasible.map((c) => [c.name, c] as const))(
    '%s: the gradient of logProbs is PyTorch’s minus wₙ·exp(logProbs) on real frames',
    (_, c) => {
      const [steps, batch, classes] = c.shape;
      const logProbs = logSoftmax(tensor(c.logits, { shape: c.shape, dtype: 'float64' }), -1);
      const ours = grad(objective(c, 'float64'))(logProbs).data;
      const probs = exp(logProbs).data;
      const weight = (n: number) => {
        if (c.weights) return c.weights[n]!;
        return c.reduction === 'sum' ? 1 : 1 / (batch * Math.max(1, c.targetLengths[n]!));
      };
      const expected = c.gradLogProbs.map(num).map((g, i) => {
        const t = Math.floor(i / (batch * classes));
        const n = Math.floor(i / classes) % batch;
        return t < c.inputLengths[n]! ? g - weight(n) * probs[i]! : g;
      });
      expect(steps * batch * classes).toBe(expected.length);
      expectClose(ours, expected, 1e-10, `${c.name} logProbs gradient`);
    },
  );
});
