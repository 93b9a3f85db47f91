import { defineComposite } from '../../define.js';
import { type TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { sub } from '../binary/sub.js';
import { logSumExp } from './log-sum-exp.js';
import { alongRandomAxis } from '../reduce/_axes.js';

/**
 * log softmax(x) = x − logSumExp(x) along `axis` (the last axis by default); stable for large and −∞ inputs.
 *
 * @example
 * ```ts
 * logSoftmax(tensor([[1, 2, 3]])); // log-probabilities per row
 * ```
 */
export const logSoftmax = defineComposite(
  'logSoftmax',
  (x: TensorLike, axis = -1): Tensor => sub(x, logSumExp(x, axis, true)),
  alongRandomAxis((x, a): Tensor => logSoftmax(x, a)),
);
