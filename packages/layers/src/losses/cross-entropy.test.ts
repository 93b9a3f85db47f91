import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, logSoftmax, rand, randn, sum, tensor, transpose, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { crossEntropy } from './cross-entropy.js';
import { nllLoss } from './nll-loss.js';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) });

/** Independent reference: rows of a [N, C] array, log-softmax by the textbook formula in float64. */
function logProbRows(x: Tensor): number[][] {
  const c = x.shape[x.rank - 1]!;
  return Array.from({ length: x.size / c }, (_, n) => {
    const row = Array.from(x.data.subarray(n * c, (n + 1) * c));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  });
}

function refIndices(x: Tensor, targets: number[], { ignore = -100, eps = 0 } = {}): number[] {
  return logProbRows(x).map((lp, n) => {
    const t = targets[n]!;
    if (t === ignore) return 0;
    return -(1 - eps) * lp[t]! - (eps / lp.length) * lp.reduce((a, b) => a + b, 0);
  });
}

const close = (actual: Tensor, expected: number[]) => {
  expect(actual.size).toBe(expected.length);
  Array.from(actual.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
};
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('crossEntropy with class indices', () => {
  const x = f64([5, 4], 1);
  const t = [3, 0, -100, 1, 2];

  it('matches the reference for each reduction, skipping ignoreIndex in the mean', () => {
    const ref = refIndices(x, t);
    close(crossEntropy(x, t, { reduction: 'none' }), ref);
    expect(crossEntropy(x, t, { reduction: 'sum' }).item()).toBeCloseTo(total(ref), 10);
    expect(crossEntropy(x, t).item()).toBeCloseTo(total(ref) / 4, 10);
    expect(crossEntropy(x, [3, 0, 2, 1, 2], { ignoreIndex: 2 }).item()).toBeCloseTo(
      total(refIndices(x, [3, 0, 2, 1, 2], { ignore: 2 })) / 3,
      10,
    );
  });

  it('takes targets as a Tensor, an Int32Array or arrays, and equals nllLoss of logSoftmax', () => {
    const y = [3, 0, 1, 1, 2];
    const expected = crossEntropy(x, y).item();
    expect(crossEntropy(x, tensor(y)).item()).toBe(expected);
    expect(crossEntropy(x, Int32Array.from(y)).item()).toBe(expected);
    expect(nllLoss(logSoftmax(x), y).item()).toBe(expected);
    // Unbatched, as PyTorch: logits [C] with a scalar class index.
    const row = tensor(Array.from(x.data.subarray(0, 4)), { dtype: 'float64' });
    expect(crossEntropy(row, 3).item()).toBeCloseTo(refIndices(row, [3])[0]!, 12);
  });

  it('applies label smoothing as PyTorch does', () => {
    const ref = refIndices(x, t, { eps: 0.2 });
    close(crossEntropy(x, t, { labelSmoothing: 0.2, reduction: 'none' }), ref);
    expect(crossEntropy(x, t, { labelSmoothing: 0.2 }).item()).toBeCloseTo(total(ref) / 4, 10);
  });

  it('handles sequences [T, B, C] with targets [T, B], and a class axis elsewhere', () => {
    const seq = f64([3, 2, 4], 2);
    const tags = [
      [0, 3],
      [2, -100],
      [1, 1],
    ];
    const ref = refIndices(seq, tags.flat());
    const none = crossEntropy(seq, tags, { reduction: 'none' });
    expect(none.shape).toEqual([3, 2]);
    close(none, ref);
    expect(crossEntropy(seq, tags, { reduction: 'sum' }).item()).toBeCloseTo(total(ref), 10);
    // PyTorch's layout [B, C, T]: the same losses, transposed.
    const torchLayout = transpose(seq, [1, 2, 0]);
    const byBatch = crossEntropy(torchLayout, transpose(tensor(tags), [1, 0]), { axis: 1, reduction: 'none' });
    close(transpose(byBatch, [1, 0]), ref);
  });

  it('gradchecks in float64, to second order', () => {
    const f = (z: Tensor) =>
      crossEntropy(
        z,
        [
          [1, -100, 0],
          [2, 2, 3],
        ],
        { labelSmoothing: 0.1 },
      );
    expect(gradcheck(f, [f64([2, 3, 4], 3)])).toBe(true);
    expect(gradgradcheck(f, [f64([2, 3, 4], 3)])).toBe(true);
    expect(gradcheck((z) => crossEntropy(z, [0, 2], { axis: 0, reduction: 'none' }), [f64([3, 2], 4)])).toBe(true);
  });

  it('gives NaN for a mean over only ignored targets, as PyTorch', () => {
    expect(crossEntropy(f64([2, 3], 5), [-100, -100]).item()).toBeNaN();
    expect(crossEntropy(f64([2, 3], 5), [-100, -100], { reduction: 'sum' }).item()).toBe(0);
  });
});

describe('crossEntropy with class probabilities', () => {
  const x = f64([3, 4], 6);
  const p = rand([3, 4], { dtype: 'float64', generator: new Generator(7) });
  const y = p.data.map((v, i) => v / total(Array.from(p.data.subarray(i - (i % 4), i - (i % 4) + 4))));
  const target = tensor(y, { shape: [3, 4], dtype: 'float64' });
  const ref = (eps: number) => logProbRows(x).map((lp, n) => -lp.reduce((s, l, c) => s + ((1 - eps) * y[n * 4 + c]! + eps / 4) * l, 0));

  it('matches the reference, with and without smoothing', () => {
    close(crossEntropy(x, target, { reduction: 'none' }), ref(0));
    expect(crossEntropy(x, target).item()).toBeCloseTo(total(ref(0)) / 3, 10);
    expect(crossEntropy(x, target, { labelSmoothing: 0.3, reduction: 'sum' }).item()).toBeCloseTo(total(ref(0.3)), 10);
  });

  it('gradchecks in logits and targets, to second order', () => {
    expect(gradcheck((z, q) => crossEntropy(z!, q!, { labelSmoothing: 0.1 }), [x, target])).toBe(true);
    expect(gradgradcheck((z, q) => crossEntropy(z!, q!), [x, target])).toBe(true);
  });
});

describe('crossEntropy numerics and errors', () => {
  it('stays finite and exact for logits of ±1e3 in float32', () => {
    const big = tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 999],
      ],
      { requiresGrad: true },
    );
    const losses = crossEntropy(big, [0, 2], { reduction: 'none' });
    expect(Math.abs(losses.data[0]!)).toBe(0);
    expect(losses.data[1]).toBeCloseTo(1 + Math.log1p(Math.exp(-1)), 5);
    sum(losses).backward();
    expect(Array.from(big.grad!.data).every(Number.isFinite)).toBe(true);
  });

  it('names the loss and both shapes', () => {
    const x = f64([2, 5], 0);
    expect(() => crossEntropy(x, [1, 2, 3])).toThrow(ShapeError);
    expect(() => crossEntropy(x, [1, 2, 3])).toThrow(
      'crossEntropy: target [3] does not fit input [2,5]: class indices need shape [2] (the input without class axis 1), class probabilities need [2,5]',
    );
    expect(() => crossEntropy(x, f64([2, 4], 0))).toThrow('target [2,4] does not fit input [2,5]');
    expect(() => crossEntropy(x, [1, 7])).toThrow(ValueError);
    expect(() => crossEntropy(x, [1, 7])).toThrow('crossEntropy: class index 7 at target position 1 is out of range for 5 classes');
    expect(() => crossEntropy(x, [1.5, 0])).toThrow('is not a whole number');
    expect(() => crossEntropy(x, [1, 0], { axis: 2 })).toThrow('crossEntropy: class axis 2 is out of range for input [2,5]');
    expect(() => crossEntropy(x, [1, 0], { labelSmoothing: 2 })).toThrow('labelSmoothing must be in [0, 1]');
  });
});
