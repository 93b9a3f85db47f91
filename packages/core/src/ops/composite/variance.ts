import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { sub } from '../binary/sub.js';
import { sum } from '../reduce/sum.js';
import { checkReduction, randomAxes, type Axes } from '../reduce/_axes.js';
import { square } from '../unary/square.js';
import { mean } from './mean.js';

/** Options of {@link variance}. */
export interface VarianceOptions {
  /** Keep reduced axes as size 1. */
  readonly keepDims?: boolean;
  /** Subtracted from the count in the denominator: 0 (the default, as NumPy and JAX) or 1 for the unbiased estimate (PyTorch's default). */
  readonly correction?: number;
}

/**
 * Variance over `axis`: Σ(x − mean)² / (n − correction).
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4]));                     // 1.25
 * variance(tensor([1, 2, 3, 4]), 0, { correction: 1 }); // 1.666…
 * ```
 */
export const variance = defineComposite(
  'variance',
  (x: TensorLike, axis?: Axes, options: VarianceOptions = {}): Tensor => {
    const { x: t, axes, count } = checkReduction('variance', x, axis);
    const centered = sub(t, mean(t, axes, true));
    return div(sum(square(centered), axes, options.keepDims ?? false), count - (options.correction ?? 0));
  },
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => variance(x, a, { keepDims: k ?? false })) },
);
