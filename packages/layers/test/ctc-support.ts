import { fc } from '@fast-check/vitest';
import type { Tensor } from '@loom/core';

/** A small CTC problem: logits [T, N, C] as a flat array, one target and one input length per sequence. */
export interface TinyCtcCase {
  readonly steps: number;
  readonly classes: number;
  readonly blank: number;
  readonly labels: number[][];
  readonly inputLengths: number[];
  readonly logits: number[];
}

/** Tiny problems (T ≤ 4, C ≤ 3, N ≤ 3), small enough to enumerate every path; targets never contain the blank. */
export const tinyCtcCase: fc.Arbitrary<TinyCtcCase> = fc
  .record({ steps: fc.integer({ min: 1, max: 4 }), classes: fc.integer({ min: 2, max: 3 }), batch: fc.integer({ min: 1, max: 3 }) })
  .chain(({ steps, classes, batch }) =>
    fc.record({
      steps: fc.constant(steps),
      classes: fc.constant(classes),
      blank: fc.integer({ min: 0, max: classes - 1 }),
      labels: fc.array(fc.array(fc.integer({ min: 0, max: classes - 2 }), { maxLength: 3 }), { minLength: batch, maxLength: batch }),
      inputLengths: fc.array(fc.integer({ min: 0, max: steps }), { minLength: batch, maxLength: batch }),
      logits: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
        minLength: steps * batch * classes,
        maxLength: steps * batch * classes,
      }),
    }),
  )
  // Labels were drawn from the C − 1 classes other than the blank: shift those at or above it up by one.
  .map((c) => ({ ...c, labels: c.labels.map((l) => l.map((k) => (k >= c.blank ? k + 1 : k))) }));

/** Every path of `steps` classes out of `classes`: classes^steps arrays. */
export function allPaths(steps: number, classes: number): number[][] {
  let paths: number[][] = [[]];
  for (let t = 0; t < steps; t++) paths = paths.flatMap((p) => Array.from({ length: classes }, (_, k) => [...p, k]));
  return paths;
}

/** The CTC collapse of a path: merge runs of one class, then drop the blanks. */
export function collapse(path: readonly number[], blank: number): number[] {
  return path.filter((k, t) => k !== blank && (t === 0 || k !== path[t - 1]));
}

/** log p(labels | x) of sequence n by brute force: the log of the summed probability of every path that collapses to it. */
export function bruteForceLogLikelihood(
  logProbs: Tensor,
  n: number,
  labels: readonly number[],
  inputLength: number,
  blank: number,
): number {
  const [, batch, classes] = logProbs.shape as [number, number, number];
  const lp = (t: number, k: number) => logProbs.data[(t * batch + n) * classes + k]!;
  const key = labels.join(',');
  let total = 0;
  for (const path of allPaths(inputLength, classes)) {
    if (collapse(path, blank).join(',') === key) total += Math.exp(path.reduce((s, k, t) => s + lp(t, k), 0));
  }
  return Math.log(total);
}
