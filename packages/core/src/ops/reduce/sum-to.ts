import type { Shape } from '@loom/ops';
import { broadcastShapes } from '@loom/ops';
import { sameShape } from '../../convert.js';
import { defineComposite } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { reshape } from '../shape/reshape.js';
import { sum } from './sum.js';

/**
 * Sums `x` down to `shape`, undoing a broadcast: the adjoint of `expand(·, x.shape)`. The tape uses it to reduce
 * broadcast gradients in one place.
 *
 * @example
 * ```ts
 * sumTo(ones([2, 3]), [3]); // [2, 2, 2]
 * ```
 */
export const sumTo = defineComposite(
  'sumTo',
  (x: Tensor, shape: Shape): Tensor => {
    if (sameShape(x.shape, shape)) return x;
    const broadcast = broadcastShapes(shape, x.shape);
    if (broadcast === null || !sameShape(broadcast, x.shape)) {
      throw new ShapeError(`sumTo: shape ${fmtShape(x.shape)} is not a broadcast of target shape ${fmtShape(shape)}`);
    }
    const lead = x.rank - shape.length;
    const axes = x.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1));
    return reshape(sum(x, axes), shape);
  },
  {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const target = x!.shape.slice(pick.int(0, x!.rank)).map((d) => (pick.int(0, 1) ? 1 : d));
      return sumTo(x!, target);
    },
  },
);
