import { sizeOf, stridesOf } from '@loom/ops';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { slice } from './slice.js';
import { allocUnset } from '../../memory.js';

/**
 * Joins tensors along an existing `axis` (0 by default); all other sizes must agree.
 *
 * Derivative: each input gets its own slice of the output gradient.
 *
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])]);    // [[1, 2], [3, 4]]
 * concat([tensor([[1, 2]]), tensor([[3]])], 1);     // [[1, 2, 3]]
 * ```
 */
export const concat = defineCorePrimitive({
  name: 'concat',
  prepare: (op: string, xs: readonly TensorLike[], axis: number = 0) => {
    if (xs.length === 0) throw new ValueError(`${op}: needs at least one tensor`);
    const inputs = toTensors(
      op,
      xs.map((_, i) => `xs[${i}]`),
      xs,
    );
    const first = inputs[0]!;
    const a = normalizeAxis(op, axis, first.rank);
    inputs.forEach((t, i) => {
      if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
        throw new ShapeError(
          `${op}: xs[${i}] has shape ${fmtShape(t.shape)}, which does not match xs[0] ${fmtShape(first.shape)} outside axis ${a}`,
        );
      }
    });
    const offsets = inputs.map((_, i) => inputs.slice(0, i).reduce((n, t) => n + t.shape[a]!, 0));
    const shape = first.shape.map((d, j) => (j === a ? offsets[offsets.length - 1]! + inputs[inputs.length - 1]!.shape[a]! : d));
    return { inputs, attrs: { axis: a, offsets, shape } };
  },
  forward: (k, inputs, { axis, offsets, shape }) => {
    const out = allocUnset(inputs[0]!.dtype, sizeOf(shape));
    const strides = stridesOf(shape);
    inputs.forEach((t, i) => {
      k.copy(t.data, { offset: 0, strides: stridesOf(t.shape) }, out, { offset: offsets[i]! * strides[axis]!, strides }, t.shape);
    });
    return { data: out, shape };
  },
  backward: (gy, { inputs, attrs: { axis, offsets }, needs }): InputGrads =>
    inputs.map((t, i) => {
      if (!needs[i]) return null;
      const begin = t.shape.map((_, j) => (j === axis ? offsets[i]! : 0));
      return slice(
        gy,
        begin,
        begin.map((b, j) => b + t.shape[j]!),
      );
    }),
  saves: {},
  check: {
    inputs: [real(), real(), real()],
    order: 2,
    shapes: (pick: Pick) => {
      const base = Array.from({ length: pick.int(1, 3) }, () => pick.int(1, 3));
      const axis = pick.int(0, base.length - 1);
      return [0, 1, 2].map(() => base.map((d, j) => (j === axis ? pick.int(1, 3) : d)));
    },
    // Join along the axis where the drawn shapes differ (any axis when they all agree).
    call: (xs: Tensor[]): Tensor | Tensor[] =>
      concat(
        xs,
        Math.max(
          0,
          xs[0]!.shape.findIndex((d, j) => xs.some((x) => x.shape[j] !== d)),
        ),
      ),
  },
});
