import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';
import { add } from './add.js';
import { eq, lt } from './compare.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/**
 * Smaller of a and b (NaN wins), elementwise with broadcasting.
 *
 * Derivatives: 1 to the smaller input; at a tie each gets ½, as in PyTorch.
 *
 * @example
 * ```ts
 * minimum(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const minimum = defineCorePrimitive({
  name: 'minimum',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.minimum, inputs, shape),
  backward: (gy, { inputs: [a, b], needs }): InputGrads => {
    const share = add(lt(a!, b!), mul(eq(a!, b!), 0.5));
    return [needs[0] ? mul(gy, share) : null, needs[1] ? mul(gy, sub(1, share)) : null];
  },
  saves: { inputs: [0, 1] },
  check: { inputs: [real(), real()], order: 2 },
});
