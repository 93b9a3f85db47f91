import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, log, tensor, type Tensor } from '@loom/core';
import { ctcBeamDecode } from '../src/ctc/beam.js';
import { ctcGreedyDecode } from '../src/ctc/greedy.js';
import { ctcLoss } from '../src/ctc/ctc-loss.js';
import { allPaths, bruteForceLogLikelihood, collapse, tinyCtcCase } from './ctc-support.js';

/** log-probabilities [T, N, C] from probability rows, given per sequence as [T][C]. */
function logProbsOf(...sequences: number[][][]): Tensor {
  const steps = sequences[0]!.length;
  const classes = sequences[0]![0]!.length;
  const flat = Array.from({ length: steps }, (_, t) => sequences.map((s) => s[t]!)).flat(2);
  return log(tensor(flat, { shape: [steps, sequences.length, classes], dtype: 'float64' }));
}

/** A one-hot frame of class k out of C, slightly smoothed so every log-probability is finite. */
const frame = (k: number, classes = 4) => Array.from({ length: classes }, (_, c) => (c === k ? 0.7 : 0.3 / (classes - 1)));

describe('ctcGreedyDecode', () => {
  it('merges repeats, then drops blanks, so a blank separates a doubled label', () => {
    const a = [1, 1, 0, 1, 2, 2, 0, 0, 3].map((k) => frame(k));
    const b = [0, 3, 3, 3, 0, 0, 0, 0, 0].map((k) => frame(k));
    expect(ctcGreedyDecode(logProbsOf(a, b))).toEqual([[1, 1, 2, 3], [3]]);
  });

  it('stops at each input length, and takes the blank from the options', () => {
    const a = [1, 2, 3, 1].map((k) => frame(k));
    const b = [2, 2, 1, 3].map((k) => frame(k));
    expect(ctcGreedyDecode(logProbsOf(a, b), [2, 0])).toEqual([[1, 2], []]);
    expect(ctcGreedyDecode(logProbsOf(a, b), tensor([4, 3]), { blank: 2 })).toEqual([[1, 3, 1], [1]]);
  });

  it('picks the first class on ties, as argmax does', () => {
    expect(
      ctcGreedyDecode(
        logProbsOf([
          [0.4, 0.4, 0.2],
          [0.1, 0.45, 0.45],
        ]),
      ),
    ).toEqual([[1]]);
  });
});

describe('ctcBeamDecode', () => {
  it('finds the most likely labelling where the best path misleads greedy decoding', () => {
    // Two frames with p(blank) = 0.6, p(a) = 0.4: the best path is 'b b' (0.36, the empty labelling), but
    // p([a]) = p(a a) + p(a b) + p(b a) = 0.16 + 0.24 + 0.24 = 0.64.
    const lp = logProbsOf([
      [0.6, 0.4],
      [0.6, 0.4],
    ]);
    expect(ctcGreedyDecode(lp)).toEqual([[]]);
    const [[first, second]] = ctcBeamDecode(lp, undefined, { beamWidth: 4 }) as [
      [{ labels: number[]; logScore: number }, { labels: number[]; logScore: number }],
    ];
    expect(first.labels).toEqual([1]);
    expect(first.logScore).toBeCloseTo(Math.log(0.64), 12);
    expect(second.labels).toEqual([]);
    expect(second.logScore).toBeCloseTo(Math.log(0.36), 12);
  });

  test.prop([tinyCtcCase])('with a beam wide enough to prune nothing, every score is exact and the best labelling is found', (c) => {
    const batch = c.labels.length;
    const logProbs = tensor(c.logits, { shape: [c.steps, batch, c.classes], dtype: 'float64' });
    const hypotheses = ctcBeamDecode(logProbs, c.inputLengths, { blank: c.blank, beamWidth: 200 });
    hypotheses.forEach((list, n) => {
      const length = c.inputLengths[n]!;
      const labellings = new Map(allPaths(length, c.classes).map((p) => [collapse(p, c.blank).join(','), collapse(p, c.blank)]));
      expect(list.length).toBe(labellings.size);
      const exact = [...labellings.values()].map((l) => bruteForceLogLikelihood(logProbs, n, l, length, c.blank));
      expect(list[0]!.logScore).toBeCloseTo(Math.max(...exact), 10);
      for (const { labels, logScore } of list) {
        expect(logScore).toBeCloseTo(bruteForceLogLikelihood(logProbs, n, labels, length, c.blank), 10);
      }
      list.slice(1).forEach((h, i) => expect(h.logScore).toBeLessThanOrEqual(list[i]!.logScore));
    });
  });

  it('scores each hypothesis as −ctcLoss of its labels when nothing is pruned', () => {
    const lp = logProbsOf([1, 2, 0, 2, 3, 3].map((k) => frame(k)));
    for (const { labels, logScore } of ctcBeamDecode(lp, undefined, { beamWidth: 1000 })[0]!.slice(0, 5)) {
      expect(-logScore).toBeCloseTo(ctcLoss(lp, [labels], [6], [labels.length], { reduction: 'sum' }).item(), 10);
    }
  });

  it('returns at most beamWidth hypotheses, and the empty labelling for an empty input', () => {
    const lp = logProbsOf(
      [1, 2, 3].map((k) => frame(k)),
      [0, 0, 0].map((k) => frame(k)),
    );
    const [a, b] = ctcBeamDecode(lp, [3, 0], { beamWidth: 3 });
    expect(a!.length).toBe(3);
    expect(a![0]!.labels).toEqual([1, 2, 3]);
    expect(b).toEqual([{ labels: [], logScore: 0 }]);
  });
});

describe('CTC decoders reject bad arguments', () => {
  const lp = logProbsOf([frame(1), frame(2)]);
  it('names the decoder, the argument and the shapes', () => {
    expect(() => ctcGreedyDecode(tensor([[0.1]]))).toThrow(ShapeError);
    expect(() => ctcGreedyDecode(tensor([[0.1]]))).toThrow('ctcGreedyDecode: logProbs must have shape [T, N, C]');
    expect(() => ctcGreedyDecode(lp, [1, 2])).toThrow(
      'ctcGreedyDecode: inputLengths has 2 entries but logProbs [2,1,4] has batch size N = 1',
    );
    expect(() => ctcBeamDecode(lp, [3])).toThrow(ValueError);
    expect(() => ctcBeamDecode(lp, [3])).toThrow('ctcBeamDecode: inputLengths[0] = 3 must be a whole number in 0…2');
    expect(() => ctcBeamDecode(lp, undefined, { beamWidth: 0 })).toThrow('ctcBeamDecode: beamWidth must be a whole number ≥ 1, got 0');
    expect(() => ctcBeamDecode(lp, undefined, { blank: -1 })).toThrow('ctcBeamDecode: blank -1 must be a whole number in [0, 4)');
  });
});

describe('the tiny-case arbitrary', () => {
  test.prop([tinyCtcCase])('never puts the blank in a target', (c) => {
    expect(c.labels.flat().every((k) => k !== c.blank && k >= 0 && k < c.classes)).toBe(true);
  });
  it('enumerates classes^steps paths', () => {
    expect(allPaths(3, 2).length).toBe(8);
    expect(collapse([1, 1, 0, 1, 2, 2, 0], 0)).toEqual([1, 1, 2]);
  });
});
