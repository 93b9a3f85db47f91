import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import type { TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseArgs } from '../_elementwise.js';

/**
 * Linear interpolation a + t·(b − a), elementwise with broadcasting: t = 0 gives a, t = 1 gives b.
 *
 * @example
 * ```ts
 * lerp(h, candidate, z); // a GRU-style update gate
 * ```
 */
export const lerp = defineComposite(
  'lerp',
  (a: TensorLike, b: TensorLike, t: TensorLike): Tensor => {
    const [ta, tb, tt] = elementwiseArgs('lerp', ['a', 'b', 't'], [a, b, t]);
    return add(ta!, mul(tt!, sub(tb!, ta!)));
  },
  {
    inputs: [real(), real(), real(0, 1)],
    order: 2,
  },
);
