import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';

/**
 * Product a · b, elementwise with broadcasting.
 *
 * Derivatives: ∂/∂a = b, ∂/∂b = a.
 *
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const mul = defineCorePrimitive({
  name: 'mul',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.mul, inputs, shape),
  backward: (gy, { inputs: [a, b], needs }): InputGrads => [needs[0] ? mul(gy, b!) : null, needs[1] ? mul(gy, a!) : null],
  saves: { inputs: [0, 1] },
  check: { inputs: [real(), real()], order: 2 },
});
