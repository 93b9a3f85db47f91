import { defineComposite } from '../../define.js';
import { toTensors, type TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { stopGradient } from '../../autodiff/stop-gradient.js';
import { add } from '../binary/add.js';
import { lt } from '../binary/compare.js';
import { sub } from '../binary/sub.js';
import { where } from '../where.js';
import { abs } from '../unary/abs.js';
import { exp } from '../unary/exp.js';
import { log } from '../unary/log.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { alongRandomAxis, type Axes } from '../reduce/_axes.js';

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
    const [t] = toTensors('logSumExp', ['x'], [x]);
    // The shift cancels exactly in value and gradient, so it is held constant; a row of all −∞ shifts by 0.
    const peak = stopGradient(max(t!, axis, true));
    const shift = where(lt(abs(peak), Infinity), peak, 0);
    const total = log(sum(exp(sub(t!, shift)), axis, true));
    const lse = add(total, shift);
    return keepDims ? lse : sum(lse, axis ?? [...Array(t!.rank).keys()]);
  },
  alongRandomAxis((x, a): Tensor => logSumExp(x, a)),
);
