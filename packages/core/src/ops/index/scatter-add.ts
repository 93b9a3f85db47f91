import { sizeOf } from '@loom/ops';
import { alloc, normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { randomShape, real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { reshape } from '../shape/reshape.js';
import { gather } from './gather.js';
import { splitAt, toIndices, type Indices } from './_indices.js';

/**
 * The adjoint of {@link gather}: a zero tensor with `size` entries along `axis`, into which each slice of `src`
 * is added at its index. `src` has the indices' axes at `axis` (shape `[...before, ...indices.shape, ...after]`);
 * pass `indexShape` when the indices are flat but stand for several axes. Repeated indices accumulate.
 *
 * Derivative: the output gradient gathered at the same indices.
 *
 * @example
 * ```ts
 * scatterAdd(tensor([1, 2, 3]), [0, 2, 0], 0, 3); // [4, 0, 2]
 * ```
 */
export const scatterAdd = defineCorePrimitive({
  name: 'scatterAdd',
  prepare: (op: string, src: TensorLike, indices: Indices, axis: number, size: number, indexShape?: readonly number[]) => {
    const [t] = toTensors(op, ['src'], [src]);
    if (!Number.isInteger(size) || size < 0) throw new ValueError(`${op}: size ${size} must be a non-negative integer`);
    const a = normalizeAxis(op, axis, t!.rank);
    const { index, shape } = toIndices(op, indices, size);
    const ishape = indexShape ?? shape;
    const width = ishape.length;
    if (sizeOf(ishape) !== index.length || a + width > t!.rank || t!.shape.slice(a, a + width).some((d, i) => d !== ishape[i])) {
      throw new ShapeError(`${op}: src shape ${fmtShape(t!.shape)} does not have the indices' shape ${fmtShape(ishape)} at axis ${a}`);
    }
    const out = [...t!.shape.slice(0, a), size, ...t!.shape.slice(a + width)];
    return { inputs: [t!], attrs: { axis: a, index, width, size, shape: out } };
  },
  forward: (k, [src], { axis, index, width, size, shape }) => {
    const [outer, , inner] = splitAt(src!.shape, axis, width);
    const out = alloc(src!.dtype, sizeOf(shape));
    k.scatterAdd(src!.data, outer, size, inner, index, out);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [src], attrs: { axis, index } }): InputGrads => [reshape(gather(gy, index, axis), src!.shape)],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    shapes: (pick: Pick) => [randomShape(pick, 1)],
    call: ([src]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const axis = pick.int(0, src!.rank - 1);
      const size = pick.int(1, 4);
      return scatterAdd(
        src!,
        Array.from({ length: src!.shape[axis]! }, () => pick.int(0, size - 1)),
        axis,
        size,
      );
    },
  },
});
