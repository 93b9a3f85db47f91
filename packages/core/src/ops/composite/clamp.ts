import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { maximum } from '../binary/maximum.js';
import { minimum } from '../binary/minimum.js';
import { elementwiseArgs } from '../_elementwise.js';

/**
 * Limits x to [low, high] elementwise. The gradient is 1 inside, 0 outside, and ½ exactly at a bound.
 *
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1); // [0, 0.5, 1]
 * ```
 */
export const clamp = defineComposite(
  'clamp',
  (x: TensorLike, low: TensorLike, high: TensorLike): Tensor => {
    const [tx, tl, th] = elementwiseArgs('clamp', ['x', 'low', 'high'], [x, low, high]);
    return minimum(maximum(tx!, tl!), th!);
  },
  { inputs: [real(), real(-2, -0.5), real(0.5, 2)], order: 2 },
);
