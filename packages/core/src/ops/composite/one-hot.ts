import type { DType } from '@loom/ops';
import { alloc, checkDType, constant } from '../../convert.js';
import { ValueError } from '../../errors.js';
import { defineComposite } from '../../define.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { toIndices, type Indices } from '../index/_indices.js';

/**
 * One-hot encoding: a tensor of shape `[...indices.shape, numClasses]` with 1 at each index and 0 elsewhere.
 * A constant (it has no gradient); float32 unless `dtype` says otherwise.
 *
 * @example
 * ```ts
 * oneHot([2, 0], 3); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export const oneHot = defineComposite(
  'oneHot',
  (indices: Indices, numClasses: number, dtype: DType = 'float32'): Tensor => {
    if (!Number.isSafeInteger(numClasses) || numClasses < 0) {
      throw new ValueError(`oneHot: numClasses must be a non-negative integer, got ${numClasses}`);
    }
    const { index, shape } = toIndices('oneHot', indices, numClasses);
    const data = alloc(checkDType('oneHot', dtype), index.length * numClasses);
    index.forEach((c, i) => (data[i * numClasses + c] = 1));
    return constant(data, [...shape, numClasses]);
  },
  // oneHot is a constant; the row checks that masking by it passes gradients through exactly.
  {
    inputs: [real()],
    order: 2,
    shapes: (pick: Pick) => [[pick.int(1, 3), 3]],
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] =>
      mul(
        x!,
        oneHot(
          Array.from({ length: x!.shape[0]! }, () => pick.int(0, 2)),
          3,
          x!.dtype,
        ),
      ),
  },
);
