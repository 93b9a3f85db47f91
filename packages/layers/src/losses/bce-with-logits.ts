import { ShapeError, Tensor, add, mul, neg, softplus, sub, type TensorLike } from '@loom/core';
import { checkReduction, fmt, reduce, sameDType, type ReductionOptions } from './_reduction.js';

/** Options of {@link bceWithLogits}. */
export interface BceWithLogitsOptions extends ReductionOptions {
  /**
   * Weight pw of the positive term, broadcast against the logits from the right: usually one per class, shape
   * [C], to trade recall against precision (pw = #negatives / #positives balances a class). Default 1.
   */
  readonly posWeight?: TensorLike;
}

/**
 * Binary cross-entropy on logits, as PyTorch's `binary_cross_entropy_with_logits`: with σ the sigmoid,
 * ℓ = −[pw·y·log σ(x) + (1 − y)·log(1 − σ(x))]. Computed stably as softplus(x) − x·y, or with pw as
 * (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x), where softplus(x) = max(x, 0) + log(1 + e^−|x|): finite for any
 * logit (±1e3 in float32 included). Differentiable in logits, targets and posWeight, to second order.
 *
 * Shapes: logits and target the same shape (targets in [0, 1], soft labels allowed); result a scalar, or that
 * shape with `reduction: 'none'`.
 *
 * @throws ShapeError when the shapes differ or posWeight does not broadcast, DTypeError when the dtypes differ.
 *
 * @example
 * ```ts
 * bceWithLogits(tensor([2.0, -1.0]), tensor([1, 0])); // mean of softplus(−2) and softplus(−1)
 * ```
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  const reduction = checkReduction('bceWithLogits', options.reduction);
  if (logits.rank !== target.rank || logits.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`bceWithLogits: target ${fmt(target.shape)} and logits ${fmt(logits.shape)} must have the same shape`);
  }
  sameDType('bceWithLogits', ['logits', logits], ['target', target]);
  const pw = options.posWeight;
  if (pw === undefined) return reduce(sub(softplus(logits), mul(logits, target)), reduction);
  if (pw instanceof Tensor) {
    const off = logits.rank - pw.rank;
    if (off < 0 || pw.shape.some((d, i) => d !== 1 && d !== logits.shape[off + i])) {
      throw new ShapeError(`bceWithLogits: posWeight ${fmt(pw.shape)} does not broadcast to logits ${fmt(logits.shape)}`);
    }
    sameDType('bceWithLogits', ['logits', logits], ['posWeight', pw]);
  }
  const negWeight = sub(1, target);
  // A numeric pw stays a number: sub(pw, 1) of two numbers would make a float32 scalar whatever the logits are.
  const posScale = add(1, mul(typeof pw === 'number' ? pw - 1 : sub(pw, 1), target));
  return reduce(add(mul(negWeight, logits), mul(posScale, softplus(neg(logits)))), reduction);
}
