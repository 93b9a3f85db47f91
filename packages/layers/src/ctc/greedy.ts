import type { Tensor } from '@loom/core';
import { checkBlank, ctcSizes, decodeLengths, type CtcLengths } from './_args.js';

/** Options of {@link ctcGreedyDecode} and {@link ctcBeamDecode}. */
export interface CtcDecodeOptions {
  /** The class index of the blank, in [0, C). Default 0. */
  readonly blank?: number;
}

/**
 * Best-path CTC decoding: the most likely class at each real frame (the first one on ties), then repeats merged
 * and blanks dropped, so the path `a a b b a` decodes to `a a` (b the blank) and `a a a` to `a`. This is the
 * labelling of the single most likely alignment, not necessarily the most likely labelling; {@link ctcBeamDecode}
 * searches for that. Not differentiable (it reads the values only).
 *
 * Shapes: logProbs [T, N, C] (log-probabilities, probabilities or scores: only the argmax matters); inputLengths N
 * whole numbers in 0…T, every sequence T frames long when absent. Returns one label array per sequence.
 *
 * @throws ShapeError when logProbs is not [T, N, C] or inputLengths has the wrong size; ValueError for a length
 *   or blank out of range.
 *
 * @example
 * ```ts
 * const [labels] = ctcGreedyDecode(logSoftmax(scores, -1)); // scores [T, 1, C] → the labels of sequence 0
 * ```
 */
export function ctcGreedyDecode(logProbs: Tensor, inputLengths?: CtcLengths, options: CtcDecodeOptions = {}): number[][] {
  const { batch, classes } = ctcSizes('ctcGreedyDecode', logProbs);
  const blank = checkBlank('ctcGreedyDecode', options.blank ?? 0, logProbs);
  const lengths = decodeLengths('ctcGreedyDecode', inputLengths, logProbs);
  const data = logProbs.data;
  return lengths.map((length, n) => {
    const labels: number[] = [];
    let previous = blank;
    for (let t = 0; t < length; t++) {
      const row = (t * batch + n) * classes;
      let best = 0;
      for (let c = 1; c < classes; c++) if (data[row + c]! > data[row + best]!) best = c;
      if (best !== blank && best !== previous) labels.push(best);
      previous = best;
    }
    return labels;
  });
}
