import { defineComposite } from '../../define.js';
import { real } from '../../check.js';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { reshape } from '../shape/reshape.js';

/**
 * Removes size-1 axes: the given ones, or all of them when `axis` is absent.
 *
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape; // [3]
 * ```
 */
export const squeeze = defineComposite(
  'squeeze',
  (x: TensorLike, axis?: number | readonly number[]): Tensor => {
    const [t] = toTensors('squeeze', ['x'], [x]);
    const axes =
      axis === undefined
        ? t!.shape.flatMap((d, i) => (d === 1 ? [i] : []))
        : [axis].flat().map((a) => normalizeAxis('squeeze', a, t!.rank));
    if (new Set(axes).size !== axes.length) throw new ShapeError(`squeeze: axis list [${axes.join(',')}] names an axis twice`);
    axes.forEach((a) => {
      if (t!.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of x ${fmtShape(t!.shape)} has size ${t!.shape[a]}, not 1`);
    });
    return reshape(
      t!,
      t!.shape.filter((_, i) => !axes.includes(i)),
    );
  },
  { inputs: [real()], order: 2 },
);
