import type { Tensor } from '@loom/core';
import { ValueError } from '@loom/core';
import { checkBlank, ctcSizes, decodeLengths, type CtcLengths } from './_args.js';
import type { CtcDecodeOptions } from './greedy.js';

/** Options of {@link ctcBeamDecode}. */
export interface CtcBeamOptions extends CtcDecodeOptions {
  /** How many prefixes survive each frame, and the most hypotheses returned per sequence. Default 10. */
  readonly beamWidth?: number;
}

/** A decoded labelling and its log-probability log p(labels | x), summed over the alignments the beam kept. */
export interface CtcHypothesis {
  /** The label sequence, blanks and repeats already removed. */
  readonly labels: number[];
  /** log p(labels | x) from the search; exact when no prefix of it was pruned. */
  readonly logScore: number;
}

/** A prefix with the log-probabilities of its alignments so far that end in a blank and in its last label. */
interface Prefix {
  readonly labels: number[];
  endsInBlank: number;
  endsInLabel: number;
}

/**
 * CTC prefix beam search (Graves 2012; Hannun et al. 2014): the most likely labellings, each scored by the sum
 * over all its alignments rather than by its best path. Every prefix l keeps two log-probabilities, of the
 * alignments that end in a blank (p_b) and of those that end in l's last label (p_nb). At frame t with
 * y = exp(logProbs[t, n]) and b the blank:
 *
 * ```text
 * l        gets  (p_b + p_nb)·y(b)           a blank keeps the prefix
 * l        gets  p_nb·y(last(l))             a repeated last label merges into it
 * l + c    gets  (p_b + p_nb)·y(c)           for every label c ≠ last(l)
 * l + c    gets  p_b·y(c)                    for c = last(l): a repeat needs a blank between
 * ```
 *
 * after which only the `beamWidth` most likely prefixes (by p_b + p_nb) are kept; ties keep the earlier prefix, and
 * prefixes of probability 0 are dropped (so are labellings that no alignment can produce, like 'a a' in 2 frames).
 * Computed in log space. With a beam wide enough to keep every prefix, each logScore is exactly log p(l | x), so
 * it equals −ctcLoss(…, { reduction: 'none' }) of that labelling. Not differentiable (it reads the values only).
 *
 * Shapes: logProbs [T, N, C] (log-probabilities: the scores are added); inputLengths N whole numbers in 0…T, every
 * sequence T frames long when absent. Returns, per sequence, at most `beamWidth` hypotheses, best first.
 *
 * @throws ShapeError when logProbs is not [T, N, C] or inputLengths has the wrong size; ValueError for a length,
 *   blank or beamWidth out of range.
 *
 * @example
 * ```ts
 * const [[best, second]] = ctcBeamDecode(logSoftmax(scores, -1), undefined, { beamWidth: 8 }); // scores [T, 1, C]
 * best.labels; // e.g. [3, 1, 1]
 * best.logScore; // log p([3, 1, 1] | x)
 * ```
 */
export function ctcBeamDecode(logProbs: Tensor, inputLengths?: CtcLengths, options: CtcBeamOptions = {}): CtcHypothesis[][] {
  const name = 'ctcBeamDecode';
  const { batch, classes } = ctcSizes(name, logProbs);
  const blank = checkBlank(name, options.blank ?? 0, logProbs);
  const beamWidth = options.beamWidth ?? 10;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) {
    throw new ValueError(`${name}: beamWidth must be a whole number ≥ 1, got ${beamWidth}`);
  }
  const lengths = decodeLengths(name, inputLengths, logProbs);
  const data = logProbs.data;
  return lengths.map((length, n) => {
    let beams: Prefix[] = [{ labels: [], endsInBlank: 0, endsInLabel: -Infinity }];
    for (let t = 0; t < length; t++) {
      const row = (t * batch + n) * classes;
      beams = best(advance(beams, data.subarray(row, row + classes), blank), beamWidth);
    }
    return beams.map((p) => ({ labels: p.labels, logScore: score(p) }));
  });
}

/** Every prefix that the `beams` can become after one more frame with log-probabilities `frame`, merged by labels. */
function advance(beams: readonly Prefix[], frame: ArrayLike<number>, blank: number): Prefix[] {
  const next = new Map<string, Prefix>();
  const prefix = (labels: number[]): Prefix => {
    const key = labels.join(',');
    let p = next.get(key);
    if (p === undefined) next.set(key, (p = { labels, endsInBlank: -Infinity, endsInLabel: -Infinity }));
    return p;
  };
  for (const beam of beams) {
    const total = score(beam);
    const last = beam.labels[beam.labels.length - 1];
    const same = prefix(beam.labels);
    same.endsInBlank = logAddExp(same.endsInBlank, total + frame[blank]!);
    if (last !== undefined) same.endsInLabel = logAddExp(same.endsInLabel, beam.endsInLabel + frame[last]!);
    for (let c = 0; c < frame.length; c++) {
      if (c === blank) continue;
      const longer = prefix([...beam.labels, c]);
      longer.endsInLabel = logAddExp(longer.endsInLabel, (c === last ? beam.endsInBlank : total) + frame[c]!);
    }
  }
  return [...next.values()];
}

/** log p of a prefix: its alignments ending in a blank and in its last label together. */
function score(p: Prefix): number {
  return logAddExp(p.endsInBlank, p.endsInLabel);
}

/** The `k` most likely prefixes of nonzero probability, best first; the sort is stable, so ties keep their order. */
function best(prefixes: Prefix[], k: number): Prefix[] {
  return prefixes
    .map((p) => ({ p, s: score(p) }))
    .filter(({ s }) => s > -Infinity)
    .sort((a, b) => (a.s === b.s ? 0 : a.s < b.s ? 1 : -1))
    .slice(0, k)
    .map(({ p }) => p);
}

/** log(eᵃ + eᵇ) without overflow; −∞ (no alignment) is the identity, so −∞ − (−∞) never happens. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}
