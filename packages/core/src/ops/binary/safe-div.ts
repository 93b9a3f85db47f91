import { alloc } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { awayFrom } from '../../check.js';
import { twoTensors } from '../_elementwise.js';
import { neg } from '../unary/neg.js';
import { mul } from './mul.js';

/**
 * a / b, except exactly 0 wherever a is 0, even where b is 0 or infinite.
 *
 * Backward rules divide by inputs that can be 0 (sqrt, log, div). There a zero incoming gradient must stay zero:
 * 0 · ∞ would be NaN, and `where(x > 0, sqrt(x), 0)` would poison its gradient at x = 0. Those rules use this.
 *
 * Derivatives where a ≠ 0: ∂/∂a = 1/b, ∂/∂b = −a/b² = −out/b (again 0 where the incoming gradient is 0).
 *
 * @example
 * ```ts
 * safeDiv(tensor([0, 1]), tensor([0, 2])); // [0, 0.5], where div gives [NaN, 0.5]
 * ```
 */
export const safeDiv = defineCorePrimitive({
  name: 'safeDiv',
  prepare: twoTensors,
  forward: (k, [a, b], shape) => {
    const quotient = alloc(
      a!.dtype,
      shape.reduce((n, d) => n * d, 1),
    );
    k.div(a!.data, a!.shape, b!.data, b!.shape, quotient, shape);
    const zero = alloc(a!.dtype, 1);
    const aIsZero = alloc(a!.dtype, a!.size);
    k.eq(a!.data, a!.shape, zero, [], aIsZero, a!.shape);
    const out = alloc(a!.dtype, quotient.length);
    k.where(aIsZero, a!.shape, zero, [], quotient, shape, out, shape);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [, b], out, needs }): InputGrads => [
    needs[0] ? safeDiv(gy, b!) : null,
    needs[1] ? neg(safeDiv(mul(gy, out), b!)) : null,
  ],
  saves: { inputs: [1], output: true },
  check: { inputs: [awayFrom(0), awayFrom(0)], order: 2 },
});
