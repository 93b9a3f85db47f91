import { logSoftmax, type Tensor } from '@loom/core';
import { classAxis, classLoss, type ClassTarget, type NllLossOptions } from './_class-loss.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: mixes the target with the uniform distribution, y ← (1 − ε)·y + ε/C. Default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Cross-entropy between unnormalized scores and target classes, as PyTorch's `cross_entropy`, computed through
 * `logSoftmax` so that it stays finite for logits of any size (±1e3 in float32 included).
 *
 * With class indices t (log p = logSoftmax(logits) along the class axis, C classes, smoothing ε):
 * ℓₙ = −(1 − ε)·log p[n, tₙ] − (ε/C)·Σ_c log p[n, c], and ℓₙ = 0 where tₙ = `ignoreIndex`;
 * 'mean' divides the sum by the number of targets that are not ignored (NaN if all are, as PyTorch).
 * With class probabilities y (same shape as logits): ℓₙ = −Σ_c y'[n, c]·log p[n, c] with y' = (1 − ε)·y + ε/C,
 * and 'mean' averages over every position. Differentiable in the logits (and in probability targets), to second
 * order.
 *
 * Shapes: logits [..., C] (class axis last; `axis` moves it), targets [...] for indices or [..., C] for
 * probabilities. A sequence tagger's logits [T, B, C] take targets [T, B]; the loss summed over time and batch
 * is `reduction: 'sum'`, and `reduction: 'none'` gives the [T, B] losses to sum or mask yourself.
 *
 * @throws ShapeError when the target fits neither form (the message prints both shapes), ValueError for a class
 * index that is out of range or not a whole number, DTypeError for probabilities of another dtype.
 *
 * @example
 * ```ts
 * const logits = randn([7, 2, 5]);                  // T = 7 steps, B = 2 sequences, C = 5 tags
 * const tags = [[0, 4], [1, 1], [2, -100], ...];    // [T, B]; -100 marks padding
 * crossEntropy(logits, tags, { reduction: 'sum' }); // summed over time and batch, padding skipped
 * ```
 */
export function crossEntropy(logits: Tensor, target: ClassTarget, options: CrossEntropyOptions = {}): Tensor {
  const logp = logSoftmax(logits, classAxis('crossEntropy', logits, options.axis));
  return classLoss('crossEntropy', logp, target, options, options.labelSmoothing ?? 0);
}
