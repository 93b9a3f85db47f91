import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { log1p } from '../unary/log1p.js';
import { exp } from '../unary/exp.js';
import { abs } from '../unary/abs.js';
import { neg } from '../unary/neg.js';
import { relu } from '../unary/relu.js';

/**
 * softplus(x) = ln(1 + eˣ), computed as relu(x) + ln(1 + e^−|x|) so that it stays finite for large |x|
 * (at ±1e3 in float32 too). Its derivative is sigmoid(x).
 *
 * @example
 * ```ts
 * softplus(tensor([0])); // [0.693…]
 * ```
 */
export const softplus = defineComposite('softplus', (x: TensorLike): Tensor => add(relu(x), log1p(exp(neg(abs(x))))), {
  inputs: [real(-4, 4)],
  order: 2,
});
