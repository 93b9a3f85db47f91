import { defineComposite } from '../../define.js';
import { randomShape, real, type Pick } from '../../check.js';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { concat } from '../shape/concat.js';
import { unsqueeze } from './unsqueeze.js';

/**
 * Joins same-shaped tensors along a new axis `axis` (0 by default).
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]); // [[1, 2], [3, 4]]
 * ```
 */
export const stack = defineComposite(
  'stack',
  (xs: readonly TensorLike[], axis = 0): Tensor => {
    const ts = toTensors(
      'stack',
      xs.map((_, i) => `xs[${i}]`),
      xs,
    );
    ts.forEach((t, i) => {
      if (fmtShape(t.shape) !== fmtShape(ts[0]!.shape)) {
        throw new ShapeError(`stack: xs[${i}] has shape ${fmtShape(t.shape)} but xs[0] has ${fmtShape(ts[0]!.shape)}`);
      }
    });
    if (ts.length === 0) throw new ValueError('stack: needs at least one tensor');
    const a = normalizeAxis('stack', axis, ts[0]!.rank + 1);
    return concat(
      ts.map((t) => unsqueeze(t, a)),
      a,
    );
  },
  {
    inputs: [real(), real()],
    order: 2,
    shapes: (pick: Pick) => [randomShape(pick)].flatMap((s) => [s, s]),
    call: (xs: Tensor[], pick: Pick): Tensor | Tensor[] => stack(xs, pick.int(0, xs[0]!.rank)),
  },
);
