import { alloc } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { sigmoid } from './sigmoid.js';

/**
 * softplus(x) = ln(1 + eˣ), elementwise, computed as relu(x) + ln(1 + e^−|x|) so that it stays finite for large
 * |x| (at ±1e3 in float32 too).
 *
 * Derivative: sigmoid(x). A primitive rather than a composite, because the stable form's pieces (relu, |x|) have
 * kinks at 0 that would leak into a composed gradient, while softplus itself is smooth there.
 *
 * @example
 * ```ts
 * softplus(tensor([0])); // [0.693…]
 * ```
 */
export const softplus = defineCorePrimitive({
  name: 'softplus',
  prepare: oneTensor,
  forward: (k, [x]) =>
    mapUnary(x!, (input, out) => {
      const tail = alloc(x!.dtype, input.length);
      k.abs(input, tail);
      k.neg(tail, tail);
      k.exp(tail, tail);
      k.log1p(tail, tail);
      k.relu(input, out);
      k.add(out, [out.length], tail, [tail.length], out, [out.length]);
    }),
  backward: (gy, { inputs: [x] }): InputGrads => [mul(gy, sigmoid(x!))],
  saves: { inputs: [0] },
  check: { inputs: [real(-4, 4)], order: 2 },
});
