import { defineComposite } from '../../define.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { reshape } from '../shape/reshape.js';
import { alongRandomAxis, checkReduction, type Axes } from '../reduce/_axes.js';
import { maxShift } from './_max-shift.js';

/**
 * log Σ exp(x) over `axis` (all axes when absent), computed stably: the maximum is factored out first, so large
 * inputs do not overflow and −∞ entries (masked positions) give finite gradients.
 *
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])); // 1000.693…
 * ```
 */
export const logSumExp = defineComposite(
  'logSumExp',
  (x: TensorLike, axis?: Axes, keepDims = false): Tensor => {
    const { x: t, axes } = checkReduction('logSumExp', x, axis);
    const { shift, logTotal } = maxShift(t, axes);
    const lse = add(logTotal, shift);
    return keepDims
      ? lse
      : reshape(
          lse,
          t.shape.filter((_, i) => !axes.includes(i)),
        );
  },
  alongRandomAxis((x, a): Tensor => logSumExp(x, a)),
);
