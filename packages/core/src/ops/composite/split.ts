import { defineComposite } from '../../define.js';
import { real, type Pick } from '../../check.js';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { slice } from '../shape/slice.js';

function equalParts(size: number, sections: number): number[] {
  if (!Number.isInteger(sections) || sections <= 0 || size % sections !== 0) {
    throw new ShapeError(`split: an axis of size ${size} cannot be split into ${sections} equal parts`);
  }
  return Array.from({ length: sections }, () => size / sections);
}

/**
 * Splits `x` along `axis` (0 by default) into `sections` equal parts, or into parts of the given sizes.
 *
 * @example
 * ```ts
 * const [i, f, g, o] = split(gates, 4, -1); // the four LSTM gates
 * ```
 */
export const split = defineComposite(
  'split',
  (x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] => {
    const [t] = toTensors('split', ['x'], [x]);
    const a = normalizeAxis('split', axis, t!.rank);
    const size = t!.shape[a]!;
    const sizes = typeof sections === 'number' ? equalParts(size, sections) : [...sections];
    if (sizes.reduce((n, s) => n + s, 0) !== size || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(`split: sizes [${sizes.join(',')}] do not add up to ${size}, the size of axis ${a} of x ${fmtShape(t!.shape)}`);
    }
    let start = 0;
    return sizes.map((s) => {
      const begin = t!.shape.map((_, i) => (i === a ? start : 0));
      start += s;
      return slice(
        t!,
        begin,
        t!.shape.map((d, i) => (i === a ? start : d)),
      );
    });
  },
  {
    inputs: [real()],
    order: 2,
    shapes: (pick: Pick) => [[pick.int(1, 3), pick.int(1, 2) * 2]],
    call: ([x]: Tensor[]): Tensor | Tensor[] => split(x!, 2, 1),
  },
);
