import { defineComposite } from '../../define.js';
import { randomShape, real, type Pick } from '../../check.js';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { concat } from '../shape/concat.js';
import { reshape } from '../shape/reshape.js';
import { slice } from '../shape/slice.js';

/**
 * Inserts a size-1 axis at `axis` (negative counts from the end of the result).
 *
 * @example
 * ```ts
 * unsqueeze(tensor([1, 2]), 0).shape; // [1, 2]
 * ```
 */
export const unsqueeze = defineComposite(
  'unsqueeze',
  (x: TensorLike, axis: number): Tensor => {
    const [t] = toTensors('unsqueeze', ['x'], [x]);
    const a = normalizeAxis('unsqueeze', axis, t!.rank + 1);
    return reshape(t!, [...t!.shape.slice(0, a), 1, ...t!.shape.slice(a)]);
  },
  { inputs: [real()], order: 2, call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => unsqueeze(x!, pick.int(0, x!.rank)) },
);

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
    const axes = axis === undefined ? t!.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : [axis].flat().map((a) => normalizeAxis('squeeze', a, t!.rank));
    axes.forEach((a) => {
      if (t!.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of x ${fmtShape(t!.shape)} has size ${t!.shape[a]}, not 1`);
    });
    return reshape(t!, t!.shape.filter((_, i) => !axes.includes(i)));
  },
  { inputs: [real()], order: 2 },
);

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
    const ts = toTensors('stack', xs.map((_, i) => `xs[${i}]`), xs);
    ts.forEach((t, i) => {
      if (fmtShape(t.shape) !== fmtShape(ts[0]!.shape)) {
        throw new ShapeError(`stack: xs[${i}] has shape ${fmtShape(t.shape)} but xs[0] has ${fmtShape(ts[0]!.shape)}`);
      }
    });
    if (ts.length === 0) throw new ValueError('stack: needs at least one tensor');
    return concat(ts.map((t) => unsqueeze(t, axis)), axis);
  },
  { inputs: [real(), real()], order: 2, shapes: (pick: Pick) => [randomShape(pick)].flatMap((s) => [s, s]), call: (xs: Tensor[], pick: Pick): Tensor | Tensor[] => stack(xs, pick.int(0, xs[0]!.rank)) },
);

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
      return slice(t!, begin, t!.shape.map((d, i) => (i === a ? start : d)));
    });
  },
  { inputs: [real()], order: 2, shapes: (pick: Pick) => [[pick.int(1, 3), pick.int(1, 2) * 2]], call: ([x]: Tensor[]): Tensor | Tensor[] => split(x!, 2, 1) },
);

function equalParts(size: number, sections: number): number[] {
  if (!Number.isInteger(sections) || sections <= 0 || size % sections !== 0) {
    throw new ShapeError(`split: an axis of size ${size} cannot be split into ${sections} equal parts`);
  }
  return Array.from({ length: sections }, () => size / sections);
}
