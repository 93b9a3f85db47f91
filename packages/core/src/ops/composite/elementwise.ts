import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { maximum } from '../binary/maximum.js';
import { minimum } from '../binary/minimum.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { log1p } from '../unary/log1p.js';
import { exp } from '../unary/exp.js';
import { abs } from '../unary/abs.js';
import { neg } from '../unary/neg.js';
import { relu } from '../unary/relu.js';

/**
 * Linear interpolation a + t·(b − a), elementwise with broadcasting: t = 0 gives a, t = 1 gives b.
 *
 * @example
 * ```ts
 * lerp(h, candidate, z); // a GRU-style update gate
 * ```
 */
export const lerp = defineComposite(
  'lerp',
  (a: TensorLike, b: TensorLike, t: TensorLike): Tensor => add(a, mul(t, sub(b, a))),
  { inputs: [real(), real(), real(0, 1)], order: 2 },
);

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
  (x: TensorLike, low: TensorLike, high: TensorLike): Tensor => minimum(maximum(x, low), high),
  { inputs: [real(), real(-2, -0.5), real(0.5, 2)], order: 2 },
);

/**
 * softplus(x) = ln(1 + eˣ), computed as relu(x) + ln(1 + e^−|x|) so that it stays finite for large |x|
 * (at ±1e3 in float32 too). Its derivative is sigmoid(x).
 *
 * @example
 * ```ts
 * softplus(tensor([0])); // [0.693…]
 * ```
 */
export const softplus = defineComposite(
  'softplus',
  (x: TensorLike): Tensor => add(relu(x), log1p(exp(neg(abs(x))))),
  { inputs: [real(-4, 4)], order: 2 },
);
