import { stopGradient } from '../../autodiff/stop-gradient.js';
import type { Tensor } from '../../tensor.js';
import { lt } from '../binary/compare.js';
import { sub } from '../binary/sub.js';
import { abs } from '../unary/abs.js';
import { exp } from '../unary/exp.js';
import { log } from '../unary/log.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { where } from '../where.js';

/**
 * The stable pieces of logSumExp over `axes`: `shifted = x − m` and `logTotal = log Σ exp(x − m)` (both with the
 * reduced axes kept), where m is the maximum. m cancels exactly in value and gradient, so it is held constant;
 * a row of all −∞ shifts by 0 instead, which keeps its −∞ without NaN elsewhere. Callers combine the pieces
 * without adding m back where they can, since m + log Σ loses precision when |m| ≫ log Σ.
 */
export function maxShift(x: Tensor, axes: readonly number[]): { shifted: Tensor; shift: Tensor; logTotal: Tensor } {
  const peak = stopGradient(max(x, axes, true));
  const shift = where(lt(abs(peak), Infinity), peak, 0);
  const shifted = sub(x, shift);
  return { shifted, shift, logTotal: log(sum(exp(shifted), axes, true)) };
}
