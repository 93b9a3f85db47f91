import { DTypeError, ValueError, div, mean, sum, type Tensor } from '@loom/core';

/**
 * How a loss folds its per-element values into the result, as PyTorch's `reduction`: `'mean'` averages them
 * (for class indices, over the targets that are not ignored), `'sum'` adds them, `'none'` returns them unreduced.
 *
 * For sequences, inputs shaped [T, B, ...] give one loss per time step and batch entry. The seeds' "loss summed
 * over time" is `'sum'` (over time and batch), or per sequence `sum(loss(..., { reduction: 'none' }), 0)`.
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** The reduction option every loss takes. */
export interface ReductionOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. See {@link Reduction}. */
  readonly reduction?: Reduction;
}

/** The reduction asked for, or a ValueError naming the loss. */
export function checkReduction(name: string, reduction: unknown = 'mean'): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${name}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

/** Applies `reduction` to per-element losses; `count` overrides the divisor of 'mean' (non-ignored targets). */
export function reduce(loss: Tensor, reduction: Reduction, count?: number): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  // 0 / 0 = NaN when every target is ignored, as in PyTorch: a mean over nothing is undefined.
  return count === undefined ? mean(loss) : div(sum(loss), count);
}

/** Throws DTypeError unless `a` and `b` have one dtype, naming the loss and both arguments. */
export function sameDType(name: string, [aName, a]: [string, Tensor], [bName, b]: [string, Tensor]): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${name}: ${aName} is ${a.dtype} but ${bName} is ${b.dtype}; cast one with cast(x, '${a.dtype}')`);
  }
}

/** `[2,3]`, as messages print shapes. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
