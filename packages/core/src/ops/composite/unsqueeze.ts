import { defineComposite } from '../../define.js';
import { real, type Pick } from '../../check.js';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { reshape } from '../shape/reshape.js';

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
