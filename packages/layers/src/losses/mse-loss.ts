import { ShapeError, square, sub, type Tensor } from '@loom/core';
import { checkReduction, fmt, reduce, sameDType, type ReductionOptions } from './_reduction.js';

/**
 * Mean squared error: ℓᵢ = (predᵢ − targetᵢ)², reduced by `reduction` (mean by default), as PyTorch's `mse_loss`.
 * Differentiable in both arguments, to any order.
 *
 * Shapes: `pred` and `target` must have the same shape (any rank). Unlike PyTorch, loom does not broadcast them:
 * [B] against [B, 1] would silently compare every prediction with every target. Result: a scalar, or the input
 * shape with `reduction: 'none'`.
 *
 * @throws ShapeError when the shapes differ, DTypeError when the dtypes do, ValueError for an unknown reduction.
 *
 * @example
 * ```ts
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])); // (0 + 0 + 4) / 3
 * mseLoss(pred, target, { reduction: 'sum' });
 * ```
 */
export function mseLoss(pred: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', options.reduction);
  if (pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`mseLoss: pred ${fmt(pred.shape)} and target ${fmt(target.shape)} must have the same shape`);
  }
  sameDType('mseLoss', ['pred', pred], ['target', target]);
  return reduce(square(sub(pred, target)), reduction);
}
