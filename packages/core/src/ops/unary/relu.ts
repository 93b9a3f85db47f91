import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { awayFrom } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { gt } from '../binary/compare.js';
import { mul } from '../binary/mul.js';

/**
 * Rectified linear unit max(x, 0), elementwise.
 *
 * Derivative: 1 for x > 0, else 0 (relu'(0) = 0, as in PyTorch).
 *
 * @example
 * ```ts
 * relu(tensor([0.5, 1]));
 * ```
 */
export const relu = defineCorePrimitive({
  name: 'relu',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.relu),
  backward: (gy, { inputs: [x] }): InputGrads => [mul(gy, gt(x!, 0))],
  saves: { inputs: [0] },
  check: { inputs: [awayFrom(0)], order: 2 },
});
