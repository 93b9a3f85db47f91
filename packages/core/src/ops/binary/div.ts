import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { awayFrom, real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';
import { neg } from '../unary/neg.js';
import { mul } from './mul.js';
import { safeDiv } from './safe-div.js';

/**
 * Quotient a / b, elementwise with broadcasting.
 *
 * Derivatives: ∂/∂a = 1/b, ∂/∂b = −a/b² = −out/b (zero gradients stay zero where b = 0).
 *
 * @example
 * ```ts
 * div(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const div = defineCorePrimitive({
  name: 'div',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.div, inputs, shape),
  backward: (gy, { inputs: [, b], out, needs }): InputGrads => [
    needs[0] ? safeDiv(gy, b!) : null,
    needs[1] ? neg(safeDiv(mul(gy, out), b!)) : null,
  ],
  saves: { inputs: [1], output: true },
  check: { inputs: [real(), awayFrom(0)], order: 2 },
});
