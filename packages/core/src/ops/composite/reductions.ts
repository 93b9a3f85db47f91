import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import { toTensors } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { sub } from '../binary/sub.js';
import { neg } from '../unary/neg.js';
import { sqrt } from '../unary/sqrt.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { randomAxes, reduceArgs, type Axes } from '../reduce/_axes.js';
import { square } from './square.js';

/** Options of {@link variance}. */
export interface VarianceOptions {
  /** Keep reduced axes as size 1. */
  readonly keepDims?: boolean;
  /** Subtracted from the count in the denominator: 0 (the default, as NumPy and JAX) or 1 for the unbiased estimate (PyTorch's default). */
  readonly correction?: number;
}

function count(op: string, x: TensorLike, axis?: Axes): number {
  const { inputs, attrs } = reduceArgs(op, x, axis);
  return attrs.axes.reduce((n, a) => n * inputs[0]!.shape[a]!, 1);
}

/** Arithmetic mean over `axis` (all axes when absent). @example `mean(tensor([[1, 2], [3, 4]]), 1) // [1.5, 3.5]` */
export const mean = defineComposite(
  'mean',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => div(sum(x, axis, keepDims), count('mean', x, axis)),
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => mean(x, a, k)) },
);

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
    const [t] = toTensors('variance', ['x'], [x]);
    const centered = sub(t!, mean(t!, axis, true));
    return div(sum(square(centered), axis, options.keepDims ?? false), count('variance', t!, axis) - (options.correction ?? 0));
  },
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => variance(x, a, { keepDims: k ?? false })) },
);

/** Minimum over `axis` (all axes when absent); the gradient is split among ties. @example `min(tensor([3, 1, 2])) // 1` */
export const min = defineComposite(
  'min',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => neg(max(neg(x), axis, keepDims)),
  { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => min(x, a, k)) },
);

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
