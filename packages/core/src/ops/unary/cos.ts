import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { neg } from './neg.js';
import { sin } from './sin.js';

/**
 * Cosine, elementwise.
 *
 * Derivative: −sin x.
 *
 * @example
 * ```ts
 * cos(tensor([0.5, 1]));
 * ```
 */
export const cos = defineCorePrimitive({
  name: 'cos',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.cos),
  backward: (gy, { inputs: [x] }): InputGrads => [neg(mul(gy, sin(x!)))],
  saves: { inputs: [0] },
  check: { inputs: [real()], order: 2 },
});
