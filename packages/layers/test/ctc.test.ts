import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, cast, grad, log, logSoftmax, randn, sum, tensor, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { ctcLoss } from '../src/ctc/ctc-loss.js';
import { bruteForceLogLikelihood, tinyCtcCase } from './ctc-support.js';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) });
const values = (t: Tensor) => Array.from(t.data);

describe('ctcLoss equals the brute-force sum over all alignments', () => {
  test.prop([tinyCtcCase])('−log Σ_π Π_t y_t(π_t) over the paths π that collapse to the target, for every reduction', (c) => {
    const batch = c.labels.length;
    const logProbs = tensor(c.logits, { shape: [c.steps, batch, c.classes], dtype: 'float64' });
    const lengths = c.labels.map((l) => l.length);
    const expected = c.labels.map((l, n) => -bruteForceLogLikelihood(logProbs, n, l, c.inputLengths[n]!, c.blank));
    const args = [c.labels, c.inputLengths, lengths] as const;
    const none = values(ctcLoss(logProbs, ...args, { blank: c.blank, reduction: 'none' }));
    none.forEach((v, n) => {
      if (!Number.isFinite(expected[n]!)) expect(v).toBe(Infinity);
      else expect(Math.abs(v - expected[n]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[n]!)));
    });
    const total = expected.reduce((a, b) => a + b, 0);
    const perLabel = expected.reduce((a, e, n) => a + e / Math.max(1, lengths[n]!), 0) / batch;
    expect(ctcLoss(logProbs, ...args, { blank: c.blank, reduction: 'sum' }).item()).toBeCloseTo(total, 10);
    expect(ctcLoss(logProbs, ...args, { blank: c.blank }).item()).toBeCloseTo(perLabel, 10);
  });
});

describe('ctcLoss gradients', () => {
  // T = 5, N = 3, C = 4: a repeat ('1 1'), different input lengths, and an empty target.
  const targets = [
    [1, 1, 3],
    [2, 0, 0],
    [0, 0, 0],
  ];
  const call = (lp: Tensor, options = {}) => ctcLoss(lp, targets, [5, 4, 3], [3, 1, 0], options);

  it('gradchecks in float64 for every reduction, on any real logProbs (not only normalized ones)', () => {
    const lp = f64([5, 3, 4], 1);
    expect(gradcheck((x) => call(x!, { reduction: 'none' }), [lp])).toBe(true);
    expect(gradcheck((x) => call(x!, { reduction: 'sum' }), [lp])).toBe(true);
    expect(gradcheck((x) => call(logSoftmax(x!, -1)), [lp])).toBe(true);
  });

  it('gradgradchecks in float64 (the gradient is the tape’s, so it can be differentiated again)', () => {
    const lp = f64([5, 3, 4], 2);
    expect(gradgradcheck((x) => call(x!, { reduction: 'none' }), [lp])).toBe(true);
    expect(gradgradcheck((x) => call(logSoftmax(x!, -1), { blank: 0 }), [f64([5, 3, 4], 3)])).toBe(true);
  });

  it('gradchecks with zeroInfinity and an impossible sequence, whose gradient is exactly 0', () => {
    const lp = f64([4, 2, 3], 4);
    const f = (x: Tensor) => ctcLoss(x, [1, 1, 2, 1], [2, 4], [2, 2], { zeroInfinity: true, reduction: 'sum' });
    expect(gradcheck(f, [lp])).toBe(true);
    expect(gradgradcheck(f, [lp])).toBe(true);
    const g = values(grad(f)(lp));
    const ofSequence0 = g.filter((_, i) => Math.floor(i / 3) % 2 === 0);
    expect(ofSequence0.every((v) => v === 0)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
  });

  it('stays finite where logProbs has −∞ (classes with probability exactly 0)', () => {
    const p = tensor(
      [
        [0.5, 0.5, 0],
        [0.2, 0, 0.8],
        [1, 0, 0],
        [0.3, 0.3, 0.4],
      ],
      { dtype: 'float64', shape: [4, 1, 3] },
    );
    const f = (lp: Tensor) => ctcLoss(lp, [[1, 2]], [4], [2]);
    const lp = log(p);
    expect(Number.isFinite(f(lp).item())).toBe(true);
    const g = values(grad(f)(lp));
    expect(g.every(Number.isFinite)).toBe(true);
    // The only paths of nonzero probability that collapse to '1 2' are 1 2 b b and 1 b b 2 ('mean' halves ℓ: S = 2).
    expect(f(lp).item()).toBeCloseTo(-Math.log(0.5 * 0.8 * 1 * 0.3 + 0.5 * 0.2 * 1 * 0.4) / 2, 12);
  });
});

describe('ctcLoss cases', () => {
  const lp = logSoftmax(f64([6, 2, 4], 5), -1);

  it('takes padded targets (Tensor, nested or ragged arrays) and concatenated ones (Tensor, array, Int32Array)', () => {
    const expected = values(
      ctcLoss(
        lp,
        tensor([
          [1, 2, 2],
          [3, 0, 0],
        ]),
        [6, 5],
        [3, 1],
        { reduction: 'none' },
      ),
    );
    const forms = [
      [[1, 2, 2], [3]],
      [
        [1, 2, 2, 0, 0],
        [3, 3, 3, 3, 3],
      ],
      [1, 2, 2, 3],
      Int32Array.from([1, 2, 2, 3]),
      tensor([1, 2, 2, 3], { dtype: 'float64' }),
    ];
    for (const targets of forms) {
      const got = values(ctcLoss(lp, targets, [6, 5], tensor([3, 1]), { reduction: 'none' }));
      got.forEach((v, n) => expect(Math.abs(v - expected[n]!)).toBeLessThanOrEqual(1e-14));
    }
  });

  it('gives +∞ for a target with no alignment, and 0 with zeroInfinity, leaving the others unchanged', () => {
    const targets = [[1, 1], [1, 2, 3], [2]];
    const lp3 = logSoftmax(f64([3, 3, 4], 6), -1);
    // '1 1' needs 3 frames (1 b 1) but has 2; '1 2 3' needs 3 and has 3.
    const losses = values(ctcLoss(lp3, targets, [2, 3, 3], [2, 3, 1], { reduction: 'none' }));
    expect(losses[0]).toBe(Infinity);
    expect(losses.slice(1).every(Number.isFinite)).toBe(true);
    const zeroed = values(ctcLoss(lp3, targets, [2, 3, 3], [2, 3, 1], { reduction: 'none', zeroInfinity: true }));
    expect(zeroed).toEqual([0, losses[1], losses[2]]);
    expect(ctcLoss(lp3, targets, [2, 3, 3], [2, 3, 1]).item()).toBe(Infinity);
  });

  it('gives an impossible sequence NaN gradients at the classes of l′ on its real frames, and 0 elsewhere', () => {
    const lp3 = logSoftmax(f64([3, 2, 4], 10), -1);
    const f = (x: Tensor) =>
      sum(
        ctcLoss(
          x,
          [
            [1, 1],
            [2, 0],
          ],
          [2, 3],
          [2, 1],
          { reduction: 'none' },
        ),
      );
    const g = values(grad(f)(lp3));
    g.forEach((v, i) => {
      const [t, n, k] = [Math.floor(i / 8), Math.floor(i / 4) % 2, i % 4];
      if (n === 1) expect(Number.isFinite(v)).toBe(true);
      else if (t < 2 && k <= 1)
        expect(v).toBeNaN(); // l′ = (b, 1, b, 1, b) holds classes 0 and 1
      else expect(v).toBe(0);
    });
  });

  it('treats a target longer than its input as impossible (+∞), not as an error', () => {
    const losses = values(ctcLoss(lp, [[1, 2, 3], [1]], [2, 6], [3, 1], { reduction: 'none' }));
    expect(losses[0]).toBe(Infinity);
    expect(Number.isFinite(losses[1]!)).toBe(true);
  });

  it('scores an empty target as all blanks, and an input length of 0 as 0 (empty target) or +∞', () => {
    const none = values(ctcLoss(lp, [[], [2]], [6, 0], [0, 1], { reduction: 'none' }));
    const blanks = Array.from({ length: 6 }, (_, t) => lp.data[t * 8]!).reduce((a, b) => a + b, 0);
    expect(none[0]).toBeCloseTo(-blanks, 12);
    expect(none[1]).toBe(Infinity);
    expect(Math.abs(values(ctcLoss(lp, [[], []], [6, 0], [0, 0], { reduction: 'none' }))[1]!)).toBe(0);
    // 'mean' divides by max(S, 1): an empty target counts once.
    expect(ctcLoss(lp, [[], [3]], [6, 6], [0, 1]).item()).toBeCloseTo(
      values(ctcLoss(lp, [[], [3]], [6, 6], [0, 1], { reduction: 'none' })).reduce((a, b) => a + b) / 2,
      12,
    );
  });

  it('keeps float32 accurate over 300 frames, where probabilities would underflow', () => {
    const long = logSoftmax(f64([300, 1, 5], 7), -1);
    const targets = [[1, 2, 3, 4, 4, 1, 2]];
    const exact = ctcLoss(long, targets, [300], [7], { reduction: 'sum' }).item();
    const single = ctcLoss(cast(long, 'float32'), targets, [300], [7], { reduction: 'sum' }).item();
    expect(exact).toBeGreaterThan(300); // p(l | x) < e^−300: far below float32's smallest number
    expect(Math.abs(single - exact) / exact).toBeLessThan(1e-5);
  });

  it('records a differentiable graph: the loss is an ordinary tape node', () => {
    const x = f64([4, 1, 3], 8);
    const g = grad((y: Tensor) => sum(grad((z: Tensor) => ctcLoss(logSoftmax(z, -1), [[1, 2]], [4], [2]))(y)))(x);
    expect(g.shape).toEqual([4, 1, 3]);
    expect(values(g).every(Number.isFinite)).toBe(true);
  });
});

describe('ctcLoss errors name the argument and the shapes', () => {
  const lp = logSoftmax(f64([5, 2, 4], 9), -1);
  const ok = { targets: [[1, 2], [3]], input: [5, 4], target: [2, 1] };

  it('rejects logProbs that are not [T, N, C]', () => {
    expect(() => ctcLoss(f64([5, 4], 0), [1], [5], [1])).toThrow(ShapeError);
    expect(() => ctcLoss(f64([5, 4], 0), [1], [5], [1])).toThrow(
      'ctcLoss: logProbs must have shape [T, N, C] (frames, batch, classes), got [5,4]',
    );
  });

  it('rejects lengths of the wrong size or out of range', () => {
    expect(() => ctcLoss(lp, ok.targets, [5, 4, 4], ok.target)).toThrow(ShapeError);
    expect(() => ctcLoss(lp, ok.targets, [5, 4, 4], ok.target)).toThrow(
      'ctcLoss: inputLengths has 3 entries but logProbs [5,2,4] has batch size N = 2',
    );
    expect(() => ctcLoss(lp, ok.targets, ok.input, [2])).toThrow('ctcLoss: targetLengths has 1 entries but logProbs [5,2,4]');
    expect(() => ctcLoss(lp, ok.targets, [6, 4], ok.target)).toThrow(ValueError);
    expect(() => ctcLoss(lp, ok.targets, [6, 4], ok.target)).toThrow(
      'ctcLoss: inputLengths[0] = 6 must be a whole number in 0…5 (T = 5 frames; logProbs [5,2,4])',
    );
    expect(() => ctcLoss(lp, ok.targets, [5, 1.5], ok.target)).toThrow('inputLengths[1] = 1.5 must be a whole number');
    expect(() => ctcLoss(lp, ok.targets, ok.input, [2, -1])).toThrow('targetLengths[1] = -1 must be a whole number');
    expect(() => ctcLoss(lp, ok.targets, tensor([[5, 4]]), ok.target)).toThrow(
      'inputLengths must be 1-D with one entry per sequence, got shape [1,2]',
    );
  });

  it('rejects targets that do not fit the lengths', () => {
    expect(() => ctcLoss(lp, tensor([[1, 2]]), ok.input, ok.target)).toThrow(
      'ctcLoss: padded targets [1,2] need one row per sequence (N = 2)',
    );
    expect(() =>
      ctcLoss(
        lp,
        tensor([
          [1, 2],
          [3, 1],
        ]),
        ok.input,
        [3, 1],
      ),
    ).toThrow('ctcLoss: targets [2,2] have 2 labels in row 0 but targetLengths[0] = 3');
    expect(() => ctcLoss(lp, [[1, 2], [3]], ok.input, [2, 2])).toThrow('targets (2 rows) have 1 labels in row 1 but targetLengths[1] = 2');
    expect(() => ctcLoss(lp, [1, 2, 3, 1], ok.input, ok.target)).toThrow(
      'ctcLoss: concatenated targets have 4 labels but targetLengths add up to 3',
    );
    expect(() => ctcLoss(lp, tensor([[[1]]]), ok.input, ok.target)).toThrow(
      'targets must be padded [N, S] or concatenated 1-D, got shape [1,1,1]',
    );
  });

  it('rejects labels out of range or equal to the blank, and a bad blank or reduction', () => {
    expect(() => ctcLoss(lp, [[1, 4], [3]], ok.input, ok.target)).toThrow(ValueError);
    expect(() => ctcLoss(lp, [[1, 4], [3]], ok.input, ok.target)).toThrow(
      'ctcLoss: target 4 of sequence 0 (position 1) must be a whole number in [0, 4) (logProbs [5,2,4])',
    );
    expect(() => ctcLoss(lp, [[1, 2], [0]], ok.input, ok.target)).toThrow(
      'ctcLoss: target 0 of sequence 1 (position 0) is the blank (0), which cannot be a target label',
    );
    expect(() => ctcLoss(lp, [[1, 2], [3]], ok.input, ok.target, { blank: 3 })).toThrow('is the blank (3)');
    expect(() => ctcLoss(lp, ok.targets, ok.input, ok.target, { blank: 4 })).toThrow(
      'ctcLoss: blank 4 must be a whole number in [0, 4) (logProbs [5,2,4])',
    );
    expect(() => ctcLoss(lp, ok.targets, ok.input, ok.target, { reduction: 'avg' as 'mean' })).toThrow(
      `ctcLoss: reduction must be 'mean', 'sum' or 'none', got "avg"`,
    );
  });

  it('ignores padding past each target length, whatever it holds', () => {
    expect(() =>
      ctcLoss(
        lp,
        [
          [1, 2, 99],
          [3, -1, 0.5],
        ],
        ok.input,
        ok.target,
      ),
    ).not.toThrow();
  });
});
