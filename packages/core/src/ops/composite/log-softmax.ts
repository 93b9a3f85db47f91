import { defineComposite } from '../../define.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { sub } from '../binary/sub.js';
import { alongRandomAxis, checkReduction } from '../reduce/_axes.js';
import { maxShift } from './_max-shift.js';

/**
 * log softmax(x) = (x − m) − log Σ exp(x − m) along `axis` (the last axis by default), with m the maximum: stable
 * for large and −∞ inputs, and exact to a few ulps even for inputs near ±1000 in float32.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([[1, 2, 3]])); // log-probabilities per row
 * ```
 */
export const logSoftmax = defineComposite(
  'logSoftmax',
  (x: TensorLike, axis = -1): Tensor => {
    const { x: t, axes } = checkReduction('logSoftmax', x, axis);
    const { shifted, logTotal } = maxShift(t, axes);
    return sub(shifted, logTotal);
  },
  alongRandomAxis((x, a): Tensor => logSoftmax(x, a)),
);
