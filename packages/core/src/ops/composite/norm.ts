import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { sqrt } from '../unary/sqrt.js';
import { sum } from '../reduce/sum.js';
import { randomAxes, type Axes } from '../reduce/_axes.js';
import { square } from './square.js';

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
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => sqrt(sum(square(x), axis, keepDims)),
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => norm(x, a, k)) },
);
