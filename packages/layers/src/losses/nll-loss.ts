import type { Tensor } from '@loom/core';
import { classLoss, type ClassTarget, type NllLossOptions } from './_class-loss.js';

/**
 * Negative log-likelihood of target classes given log-probabilities (e.g. from `logSoftmax`), as PyTorch's
 * `nll_loss`: `crossEntropy(x, t)` equals `nllLoss(logSoftmax(x), t)`.
 *
 * With class indices t: ℓₙ = −logProbs[n, tₙ], and 0 where tₙ = `ignoreIndex`; 'mean' divides by the number of
 * targets that are not ignored. With class probabilities y (same shape as logProbs): ℓₙ = −Σ_c y[n, c]·logProbs[n, c],
 * and 'mean' averages over every position. Differentiable to any order.
 *
 * Shapes: logProbs [..., C] (class axis last; `axis` moves it), targets [...] for indices or [..., C] for
 * probabilities; [T, B, C] with [T, B] for a sequence. 'sum' gives the loss summed over time and batch.
 *
 * @throws ShapeError when the target fits neither form, ValueError for a class index out of range.
 *
 * @example
 * ```ts
 * nllLoss(logSoftmax(scores), [2, 0, 1]); // scores [3, C]
 * ```
 */
export function nllLoss(logProbs: Tensor, target: ClassTarget, options: NllLossOptions = {}): Tensor {
  return classLoss('nllLoss', logProbs, target, options);
}
