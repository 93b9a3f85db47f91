import { sizeOf } from '@loom/ops';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { ValueError, fmtShape } from '../../errors.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { randomShape, real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { allocUnset } from '../../memory.js';

/**
 * Index of the first maximum along `axis` (the last axis when absent), as a float tensor. Not differentiable.
 *
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 4]])); // [1, 0]
 * ```
 */
export const argmax = defineCorePrimitive({
  name: 'argmax',
  prepare: (op: string, x: TensorLike, axis: number = -1, keepDims: boolean = false) => {
    const [t] = toTensors(op, ['x'], [x]);
    const a = normalizeAxis(op, axis, t!.rank);
    if (t!.shape[a] === 0) throw new ValueError(`${op}: axis ${a} of x ${fmtShape(t!.shape)} is empty, so it has no maximum`);
    const shape = t!.shape.map((d, i) => (i === a ? 1 : d)).filter((_, i) => keepDims || i !== a);
    return { inputs: [t!], attrs: { axis: a, shape } };
  },
  forward: (k, [x], { axis, shape }) => {
    const out = allocUnset(x!.dtype, sizeOf(shape));
    k.argmax(x!.data, x!.shape, axis, out);
    return { data: out, shape };
  },
  backward: (): InputGrads => [null],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    shapes: (pick: Pick) => [randomShape(pick, 1)],
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => argmax(x!, pick.int(0, x!.rank - 1)),
  },
});
