import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';

/**
 * Sum a + b, elementwise with broadcasting.
 *
 * Derivatives: ∂/∂a = 1, ∂/∂b = 1.
 *
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const add = defineCorePrimitive({
  name: 'add',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.add, inputs, shape),
  backward: (gy): InputGrads => [gy, gy],
  saves: {},
  check: { inputs: [real(), real()], order: 2 },
});
