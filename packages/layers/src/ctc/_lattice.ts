import type { CtcBatch } from './_args.js';

/**
 * The CTC lattice of a batch as plain index and mask arrays (no gradients flow through these). Every sequence's
 * extended label sequence l′ = (b, l₁, b, l₂, …, b, l_S, b) is padded with blanks to one width L = 2·max S + 1, so
 * the recursion runs on [N, L] tensors; padded states lie after a sequence's final states and never reach them.
 */
export interface Lattice {
  /** L, the number of states per sequence. */
  readonly width: number;
  /** The frames the recursion runs over: the longest input length. */
  readonly frames: number;
  /** [frames, N, L]: where logProbs[t, n, l′ₙ(s)] sits in the flattened logProbs. */
  readonly gatherIndex: Int32Array;
  /**
   * [N, L, 3]: where the predecessors α(s), α(s − 1), α(s − 2) of state s sit in α padded with two −∞ columns on
   * the left and flattened ([N·(L + 2)]). The s − 2 entry points at a −∞ column unless the skip is allowed:
   * l′(s) is a label that differs from l′(s − 2).
   */
  readonly predecessors: Int32Array;
  /** [N, L]: 1 at the final states 2S and 2S − 1 (only 2S = 0 for an empty target). */
  readonly end: Float64Array;
  /** [N, L]: α₋₁, before the first frame: 0 (log 1) at s = 0 and −∞ elsewhere, so one step gives α₀ (see ctcLoss). */
  readonly start: Float64Array;
  /** [N, 1] per frame t: 1 while t is a real frame of sequence n; null when it is one for every sequence. */
  readonly active: readonly (Float64Array | null)[];
}

/** Builds the lattice of a checked batch. */
export function latticeOf({ labels, inputLengths, blank, batch, classes }: CtcBatch): Lattice {
  const width = 2 * Math.max(0, ...labels.map((l) => l.length)) + 1;
  const frames = Math.max(0, ...inputLengths);
  const extended = labels.map((l) => Array.from({ length: width }, (_, s) => (s % 2 === 1 && s < 2 * l.length ? l[(s - 1) / 2]! : blank)));
  const gatherIndex = new Int32Array(frames * batch * width);
  for (let t = 0; t < frames; t++) {
    for (let n = 0; n < batch; n++) {
      const row = (t * batch + n) * classes;
      extended[n]!.forEach((label, s) => (gatherIndex[(t * batch + n) * width + s] = row + label));
    }
  }
  const predecessors = new Int32Array(batch * width * 3);
  const end = new Float64Array(batch * width);
  const start = new Float64Array(batch * width).fill(-Infinity);
  extended.forEach((ext, n) => {
    const row = n * (width + 2); // state s of sequence n is at row + s + 2; row + 0 is always −∞
    for (let s = 0; s < width; s++) {
      const skip = s % 2 === 1 && s >= 3 && ext[s] !== ext[s - 2];
      predecessors.set([row + s + 2, row + s + 1, skip ? row + s : row], (n * width + s) * 3);
    }
    const last = 2 * labels[n]!.length;
    end[n * width + last] = 1;
    if (last > 0) end[n * width + last - 1] = 1;
    start[n * width] = 0;
  });
  const active = Array.from({ length: frames }, (_, t) =>
    inputLengths.every((len) => t < len) ? null : Float64Array.from(inputLengths, (len) => (t < len ? 1 : 0)),
  );
  return { width, frames, gatherIndex, predecessors, end, start, active };
}
