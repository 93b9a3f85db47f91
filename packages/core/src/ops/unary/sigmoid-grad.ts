import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { randomShape, real } from '../../check.js';
import { gradientPair, mapGradient } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';

/**
 * The sigmoid's backward from its output: gy · y · (1 − y), elementwise, for `gy` and `y` of one shape.
 *
 * `sigmoid`'s backward rule is this one op, so a first-order backward makes one array where the three-op
 * form made three; its own backward is built from ops, so grad-of-grad still works.
 *
 * Derivatives: ∂/∂gy = y(1 − y), ∂/∂y = gy(1 − 2y).
 *
 * @example
 * ```ts
 * const y = sigmoid(x);
 * sigmoidGrad(onesLike(y), y); // dσ/dx at x
 * ```
 */
export const sigmoidGrad = defineCorePrimitive({
  name: 'sigmoidGrad',
  prepare: gradientPair,
  forward: (k, inputs) => mapGradient(inputs, k.sigmoidGrad),
  backward: (g, { inputs: [gy, y], needs }): InputGrads => [
    needs[0] ? sigmoidGrad(g, y!) : null,
    needs[1] ? mul(mul(g, gy!), sub(1, mul(2, y!))) : null,
  ],
  saves: { inputs: [0, 1] },
  check: {
    inputs: [real(), real(0.05, 0.95)],
    order: 2,
    shapes: (pick) => {
      const shape = randomShape(pick);
      return [shape, shape];
    },
  },
});
