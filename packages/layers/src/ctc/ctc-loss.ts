import { add, div, eq, gather, logSumExp, mean, neg, pad, reshape, split, sum, tensor, where, type Tensor } from '@loom/core';
import { checkReduction, type ReductionOptions } from '../losses/_reduction.js';
import { ctcBatch, type CtcLengths, type CtcTargets } from './_args.js';
import { latticeOf, type Lattice } from './_lattice.js';

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions extends ReductionOptions {
  /** The class index of the blank, in [0, C). Default 0. */
  readonly blank?: number;
  /**
   * Replace infinite losses (sequences with no valid alignment) by 0, with a zero gradient, as PyTorch's
   * `zero_infinity`. Default false.
   */
  readonly zeroInfinity?: boolean;
}

/**
 * Connectionist temporal classification loss (Graves et al. 2006) with the semantics of PyTorch's
 * `torch.nn.functional.ctc_loss`: the negative log-likelihood −log p(l | x) of each target label sequence l,
 * summed over every alignment of l to the frames of x.
 *
 * Let b be the blank, y_t(k) = exp(logProbs[t, n, k]) and l = (l₁, …, l_S) the target of sequence n. An alignment
 * is a path π of one class per frame; it yields l when merging repeats and then dropping blanks gives l, so
 * p(l | x) = Σ_π Π_t y_t(π_t). The sum runs over the extended sequence l′ = (b, l₁, b, l₂, …, b, l_S, b) of
 * 2S + 1 states, with the forward variables α (log-probabilities of the path prefixes that end in state s):
 *
 * ```text
 * α₋₁(0) = 0,  α₋₁(s) = −∞ for s > 0                            (before the first frame)
 * α_t(s) = log y_t(l′_s) + logsumexp(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2))
 *          where the s−2 term is kept only if l′_s ≠ b and l′_s ≠ l′_{s−2} (a repeat needs a blank between)
 * ℓ = −log p(l | x) = −logsumexp(α_{T′−1}(2S), α_{T′−1}(2S−1))   with T′ = inputLengths[n]
 * ```
 *
 * (the first step gives Graves' α₀(0) = log y₀(b), α₀(1) = log y₀(l₁)). Everything stays in log space, and
 * −∞ − (−∞) never occurs: logsumexp shifts an all-−∞ triple by 0, not by its maximum, so unreachable states stay
 * −∞ and get exactly zero gradient. The loss is a composite of `@loom/core` ops (one gather of the emissions, then per
 * frame a pad, a gather of the three predecessors, a logSumExp and a mask), so its gradient is the tape's and
 * grad-of-grad works.
 *
 * Reductions: `'none'` gives the N losses; `'sum'` adds them; `'mean'` (default) divides each by its target
 * length, clamped to at least 1, and averages over the batch, as PyTorch.
 *
 * Sequences with no alignment (a target longer than its input, or repeats without room for the blanks between
 * them) have ℓ = +∞; an empty target has ℓ = −Σ_t log y_t(b). With `zeroInfinity`, an infinite ℓ becomes 0 with a
 * zero gradient. Without it, the gradient of an impossible sequence is NaN on its real frames (t < T′) and 0
 * after them. Through `logSoftmax` this equals PyTorch's NaN pattern exactly; on logProbs themselves loom is NaN
 * only at the classes that occur in l′ and 0 at the others, where PyTorch is NaN for the whole frame.
 *
 * **Gradient convention.** The gradient is the true derivative of ℓ with respect to logProbs: −γ_t(k), minus the
 * posterior probability that frame t emits class k. PyTorch's `ctc_loss` backward instead returns y_t(k) − γ_t(k),
 * the gradient with respect to the logits *assuming* logProbs = logSoftmax(logits), which is wrong for any other
 * input. Composed with `logSoftmax`, as in training, both give the same gradient on the logits (y − γ).
 *
 * Differences from PyTorch 1.13: an input length of 0 gives ℓ = 0 for an empty target and +∞ otherwise (PyTorch's
 * CPU kernel then reads memory its recursion never wrote and returns an arbitrary number), and a target label equal
 * to the blank or outside [0, C) is an error (PyTorch does not check). logProbs must be batched, [T, N, C]; use
 * `unsqueeze(x, 1)` for a single sequence.
 *
 * Shapes: logProbs [T, N, C] (frames, batch, classes; usually `logSoftmax(scores, -1)`), targets padded [N, S] or
 * concatenated [Σ targetLengths], inputLengths and targetLengths N whole numbers. Result a scalar, or [N] with
 * `reduction: 'none'`.
 *
 * @throws ShapeError when logProbs is not [T, N, C] or the targets and lengths do not fit it; ValueError for a
 *   length out of range, a target label outside [0, C) or equal to the blank, a bad blank or reduction.
 *
 * @example
 * ```ts
 * const logProbs = logSoftmax(scores, -1); // scores [T, N, C]
 * const loss = ctcLoss(logProbs, [[1, 2, 2], [3, 0, 0]], [T, T - 2], [3, 1]); // padded targets
 * ctcLoss(logProbs, [1, 2, 2, 3], [T, T - 2], [3, 1], { reduction: 'sum' }); // the same, concatenated
 * ```
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: CtcTargets,
  inputLengths: CtcLengths,
  targetLengths: CtcLengths,
  options: CtcLossOptions = {},
): Tensor {
  const reduction = checkReduction('ctcLoss', options.reduction);
  const batch = ctcBatch('ctcLoss', logProbs, targets, inputLengths, targetLengths, options.blank ?? 0);
  let loss = neg(logLikelihood(logProbs, latticeOf(batch)));
  if (options.zeroInfinity === true) loss = where(eq(loss, Infinity), 0, loss);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  const perLabel = Float64Array.from(batch.labels, (l) => Math.max(l.length, 1));
  return mean(div(loss, tensor(perLabel, { dtype: logProbs.dtype })));
}

/** log p(l | x) per sequence, [N]: the α recursion over the frames, then the final states. */
function logLikelihood(logProbs: Tensor, lattice: Lattice): Tensor {
  const [steps, batch, classes] = logProbs.shape as [number, number, number];
  const { width, frames, predecessors } = lattice;
  const dtype = logProbs.dtype;
  const mask = (values: Float64Array, shape: number[]) => tensor(values, { shape, dtype });
  // One gather picks log y_t(l′_s) for every frame, sequence and state; its backward is one scatter.
  const flat = reshape(logProbs, [steps * batch * classes]);
  const emissions = frames === 0 ? [] : split(reshape(gather(flat, lattice.gatherIndex), [frames, batch, width]), frames);
  let alpha = mask(lattice.start, [batch, width]);
  emissions.forEach((emission, t) => {
    // α(s), α(s − 1) and α(s − 2) side by side in one gather from α padded with −∞ (no path enters from the left;
    // a forbidden skip reads −∞ too), so logsumexp over the last axis combines the three predecessors.
    const candidates = reshape(gather(padLeft(alpha), predecessors), [batch, width, 3]);
    const next = add(logSumExp(candidates, -1), reshape(emission, [batch, width]));
    const active = lattice.active[t];
    // A sequence past its last frame keeps its α, so after the loop α holds α_{T′−1} for every sequence.
    alpha = active ? where(mask(active, [batch, 1]), next, alpha) : next;
  });
  return logSumExp(where(mask(lattice.end, [batch, width]), alpha, -Infinity), -1);
}

/** α [N, L] with two −∞ columns on its left (no path enters states 0 and 1 from before the lattice), flattened. */
function padLeft(alpha: Tensor): Tensor {
  const [batch, width] = alpha.shape as [number, number];
  const sequences = [0, 0] as const;
  const states = [2, 0] as const;
  return reshape(pad(alpha, [sequences, states], -Infinity), [batch * (width + 2)]);
}
