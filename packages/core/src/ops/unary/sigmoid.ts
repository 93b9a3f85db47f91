import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { sigmoidGrad } from './sigmoid-grad.js';

/**
 * Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), computed without overflow, elementwise.
 *
 * Derivative: σ(x)(1 − σ(x)), from the output.
 *
 * @example
 * ```ts
 * sigmoid(tensor([0.5, 1]));
 * ```
 */
export const sigmoid = defineCorePrimitive({
  name: 'sigmoid',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.sigmoid),
  backward: (gy, { out }): InputGrads => [sigmoidGrad(gy, out)],
  saves: { output: true },
  check: { inputs: [real(-4, 4)], order: 2 },
});
