import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { gt } from '../binary/compare.js';
import { sqrt } from '../unary/sqrt.js';
import { where } from '../where.js';
import { sum } from '../reduce/sum.js';
import { checkReduction, randomAxes, type Axes } from '../reduce/_axes.js';
import { square } from '../unary/square.js';

/**
 * Euclidean (L2) norm over `axis` (all axes when absent): √Σx². Its gradient at 0 is 0, as PyTorch's.
 *
 * @example
 * ```ts
 * norm(tensor([3, 4])); // 5
 * ```
 */
export const norm = defineComposite(
  'norm',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => {
    const { x: t, axes } = checkReduction('norm', x, axis);
    const total = sum(square(t), axes, keepDims);
    // √ has an infinite slope at 0, and ∞ · 0 from square's rule would be NaN. Where the sum is 0, the root
    // sees 1 instead and the outer where sends it no gradient, so the gradient there is exactly 0.
    const nonzero = gt(total, 0);
    return where(nonzero, sqrt(where(nonzero, total, 1)), 0);
  },
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => norm(x, a, k)) },
);
