import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { tanhGrad } from './tanh-grad.js';

/**
 * Hyperbolic tangent, elementwise.
 *
 * Derivative: 1 − tanh²(x), from the output.
 *
 * @example
 * ```ts
 * tanh(tensor([0.5, 1]));
 * ```
 */
export const tanh = defineCorePrimitive({
  name: 'tanh',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.tanh),
  backward: (gy, { out }): InputGrads => [tanhGrad(gy, out)],
  saves: { output: true },
  check: { inputs: [real()], order: 2 },
});
