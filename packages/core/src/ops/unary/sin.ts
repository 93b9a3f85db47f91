import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { cos } from './cos.js';

/**
 * Sine, elementwise.
 *
 * Derivative: cos x.
 *
 * @example
 * ```ts
 * sin(tensor([0.5, 1]));
 * ```
 */
export const sin = defineCorePrimitive({
  name: 'sin',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.sin),
  backward: (gy, { inputs: [x] }): InputGrads => [mul(gy, cos(x!))],
  saves: { inputs: [0] },
  check: { inputs: [real()], order: 2 },
});
