import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { positive, real } from '../../check.js';
import { mapBinary, twoTensors } from '../_elementwise.js';
import { where } from '../where.js';
import { log } from '../unary/log.js';
import { gt } from './compare.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/**
 * Power aᵇ, elementwise with broadcasting.
 *
 * Derivatives: ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·ln a (taken as 0 where a ≤ 0, where the real power has no derivative in b).
 *
 * @example
 * ```ts
 * pow(tensor([[1, 2], [3, 4]]), tensor([2, 3])); // b broadcasts over the rows of a
 * ```
 */
export const pow = defineCorePrimitive({
  name: 'pow',
  prepare: twoTensors,
  forward: (k, inputs, shape) => mapBinary(k.pow, inputs, shape),
  backward: (gy, { inputs: [a, b], out, needs }): InputGrads => [
    needs[0] ? mul(gy, mul(b!, pow(a!, sub(b!, 1)))) : null,
    needs[1] ? mul(gy, mul(out, log(where(gt(a!, 0), a!, 1)))) : null,
  ],
  saves: { inputs: [0, 1], output: true },
  check: { inputs: [positive(), real()], order: 2 },
});
