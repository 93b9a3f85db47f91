import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';
import { neg } from '../unary/neg.js';

/**
 * Difference a − b, elementwise with broadcasting.
 *
 * Derivatives: ∂/∂a = 1, ∂/∂b = −1.
 *
 * @example
 * ```ts
 * sub(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const sub = defineCorePrimitive({
  name: 'sub',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.sub, inputs, shape),
  backward: (gy, { needs }): InputGrads => [gy, needs[1] ? neg(gy) : null],
  saves: {},
  check: { inputs: [real(), real()], order: 2 },
});
