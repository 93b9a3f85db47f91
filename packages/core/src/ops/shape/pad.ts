import { sizeOf, stridesOf } from '@loom/ops';
import { alloc, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { slice } from './slice.js';

/**
 * Surrounds `x` with `value` (0 by default): `widths[i] = [before, after]` elements on axis i; missing trailing
 * axes are not padded.
 *
 * Derivative: the output gradient sliced back to x's box.
 *
 * @example
 * ```ts
 * pad(tensor([1, 2]), [[1, 2]]); // [0, 1, 2, 0, 0]
 * ```
 */
export const pad = defineCorePrimitive({
  name: 'pad',
  prepare: (op: string, x: TensorLike, widths: readonly (readonly [number, number])[], value: number = 0) => {
    const [t] = toTensors(op, ['x'], [x]);
    const ok = widths.length <= t!.rank && widths.every((w) => w.length === 2 && w.every((n) => Number.isInteger(n) && n >= 0));
    if (!ok) {
      throw new ShapeError(
        `${op}: widths ${JSON.stringify(widths)} must be at most ${t!.rank} pairs of non-negative integers for x of shape ${fmtShape(t!.shape)}`,
      );
    }
    const before = t!.shape.map((_, i) => widths[i]?.[0] ?? 0);
    const shape = t!.shape.map((d, i) => d + before[i]! + (widths[i]?.[1] ?? 0));
    return { inputs: [t!], attrs: { before, shape, value } };
  },
  forward: (k, [x], { before, shape, value }) => {
    const out = alloc(x!.dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    const strides = stridesOf(shape);
    const offset = before.reduce((o, b, i) => o + b * strides[i]!, 0);
    k.copy(x!.data, { offset: 0, strides: stridesOf(x!.shape) }, out, { offset, strides }, x!.shape);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [x], attrs: { before } }): InputGrads => [
    slice(
      gy,
      before,
      before.map((b, i) => b + x!.shape[i]!),
    ),
  ],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] =>
      pad(
        x!,
        x!.shape.map(() => [pick.int(0, 2), pick.int(0, 2)] as const),
        pick.int(0, 1),
      ),
  },
});
