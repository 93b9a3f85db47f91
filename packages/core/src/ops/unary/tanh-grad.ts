import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { randomShape, real } from '../../check.js';
import { gradientPair, mapGradient } from '../_elementwise.js';
import { mul } from '../binary/mul.js';

/**
 * tanh's backward from its output: gy · (1 − y²), elementwise, for `gy` and `y` of one shape.
 *
 * `tanh`'s backward rule is this one op, so a first-order backward makes one array where the three-op form
 * made three; its own backward is built from ops, so grad-of-grad still works.
 *
 * Derivatives: ∂/∂gy = 1 − y², ∂/∂y = −2 · gy · y.
 *
 * @example
 * ```ts
 * const y = tanh(x);
 * tanhGrad(onesLike(y), y); // d tanh/dx at x
 * ```
 */
export const tanhGrad = defineCorePrimitive({
  name: 'tanhGrad',
  prepare: gradientPair,
  forward: (k, inputs) => mapGradient(inputs, k.tanhGrad),
  backward: (g, { inputs: [gy, y], needs }): InputGrads => [
    needs[0] ? tanhGrad(g, y!) : null,
    needs[1] ? mul(mul(g, gy!), mul(-2, y!)) : null,
  ],
  saves: { inputs: [0, 1] },
  check: {
    inputs: [real(), real(-0.95, 0.95)],
    order: 2,
    shapes: (pick) => {
      const shape = randomShape(pick);
      return [shape, shape];
    },
  },
});
