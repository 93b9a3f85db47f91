import { sizeOf, stridesOf } from '@loom/ops';
import { toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { Placement } from '../../autodiff/placement.js';
import { allocUnset } from '../../memory.js';
import { mayShare } from '../../recycle.js';

/**
 * The box `begin[i] ≤ index < end[i]` of `x`. Negative positions count from the end of the axis, and axes past
 * the given lists are taken whole. Like Python slices, positions are clamped to the axis.
 *
 * Derivative: the output gradient placed back in a zero tensor of x's shape (a `Placement`; `pad` when recorded).
 *
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [1, 3]); // [[2, 3]]
 * slice(x, [-2]);                                        // the last two rows
 * ```
 */
export const slice = defineCorePrimitive({
  name: 'slice',
  prepare: (op: string, x: TensorLike, begin: readonly number[], end: readonly number[] = []) => {
    const [t] = toTensors(op, ['x'], [x]);
    if (begin.length > t!.rank || end.length > t!.rank) {
      throw new ShapeError(
        `${op}: begin [${begin.join(',')}] / end [${end.join(',')}] name more axes than x has (shape ${fmtShape(t!.shape)})`,
      );
    }
    const start = t!.shape.map((d, i) => clampPosition('begin', begin[i] ?? 0, d, t!.shape));
    const stop = t!.shape.map((d, i) => Math.max(start[i]!, clampPosition('end', end[i] ?? d, d, t!.shape)));
    return { inputs: [t!], attrs: { start, shape: stop.map((s, i) => s - start[i]!) } };
  },
  forward: (k, [x], { start, shape }) => {
    const strides = stridesOf(x!.shape);
    const offset = start.reduce((o, s, i) => o + s * strides[i]!, 0);
    // A box that is one run of memory (x[t] of a sequence, a gate of a one-row batch) shares x's elements, as
    // reshape does, instead of copying them; unless a backward sweep could not find the view (recycle.ts).
    const size = sizeOf(shape);
    if (isOneRun(x!.shape, shape) && mayShare(x!.data, size)) return { data: x!.data.subarray(offset, offset + size), shape };
    const out = allocUnset(x!.dtype, size);
    k.copy(x!.data, { offset, strides }, out, { offset: 0, strides: stridesOf(shape) }, shape);
    return { data: out, shape };
  },
  // A placement, not pad(gy): the tape adds it into the box, so T per-step slices cost O(T) and not O(T²).
  backward: (gy, { inputs: [x], attrs: { start } }): InputGrads => [new Placement(gy, start, x!.shape)],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const begin = x!.shape.map((d) => pick.int(0, d - 1));
      return slice(
        x!,
        begin,
        begin.map((b, i) => pick.int(b + 1, x!.shape[i]!)),
      );
    },
  },
});

/** Whether a box of `box` sizes inside `shape` is contiguous: size 1 before some axis, and whole after it. */
function isOneRun(shape: readonly number[], box: readonly number[]): boolean {
  let axis = 0;
  while (axis < shape.length && box[axis] === 1) axis++;
  for (let i = axis + 1; i < shape.length; i++) if (box[i] !== shape[i]) return false;
  return true;
}

function clampPosition(arg: string, position: number, size: number, shape: readonly number[]): number {
  if (!Number.isInteger(position))
    throw new ShapeError(`slice: ${arg} position ${position} is not an integer (x has shape ${fmtShape(shape)})`);
  const p = position < 0 ? position + size : position;
  return Math.min(Math.max(p, 0), size);
}
