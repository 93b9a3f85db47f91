import type { DType } from '@loom/ops';
import { toTensors, type TensorLike } from '../convert.js';
import { defineCorePrimitive, type InputGrads } from '../define.js';
import { DTypeError } from '../errors.js';
import { real, type Pick } from '../check.js';
import type { Tensor } from '../tensor.js';
import { allocUnset } from '../memory.js';

/**
 * The same values in another dtype (float64 → float32 rounds to nearest). Casting to the same dtype copies nothing.
 *
 * Derivative: the output gradient cast back to the input's dtype.
 *
 * @example
 * ```ts
 * cast(tensor([1, 2]), 'float64').dtype; // 'float64'
 * ```
 */
export const cast = defineCorePrimitive({
  name: 'cast',
  prepare: (op: string, x: TensorLike, dtype: DType) => {
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new DTypeError(`${op}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
    }
    return { inputs: toTensors(op, ['x'], [x]), attrs: dtype };
  },
  forward: (_k, [x], dtype) => {
    if (x!.dtype === dtype) return { data: x!.data, shape: x!.shape };
    const out = allocUnset(dtype, x!.size);
    out.set(x!.data);
    return { data: out, shape: x!.shape };
  },
  backward: (gy, { inputs: [x] }): InputGrads => [cast(gy, x!.dtype)],
  // Round trip through float32 (the check runs in float64); a wider step keeps float32 rounding out of the difference.
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    eps: 1e-3,
    call: ([x]: Tensor[], _pick: Pick): Tensor | Tensor[] => cast(cast(x!, 'float32'), 'float64'),
  },
});
