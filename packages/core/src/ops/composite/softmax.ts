import { defineComposite } from '../../define.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { exp } from '../unary/exp.js';
import { logSoftmax } from './log-softmax.js';
import { alongRandomAxis, checkReduction } from '../reduce/_axes.js';

/**
 * softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along `axis` (the last axis by default); invariant to adding a constant.
 *
 * @example
 * ```ts
 * softmax(tensor([1, 1])); // [0.5, 0.5]
 * ```
 */
export const softmax = defineComposite(
  'softmax',
  (x: TensorLike, axis = -1): Tensor => {
    const { x: t, axes } = checkReduction('softmax', x, axis);
    return exp(logSoftmax(t, axes[0]));
  },
  alongRandomAxis((x, a): Tensor => softmax(x, a)),
);
