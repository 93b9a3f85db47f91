import { sizeOf } from '@loom/ops';
import { alloc, toTensors, type TensorLike } from '../../convert.js';
import { allocUnset } from '../../memory.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { ProductGradient } from '../../autodiff/product-gradient.js';
import { reshape } from '../shape/reshape.js';
import { transpose } from '../shape/transpose.js';
import { batched, checkLayout, type MatmulOptions } from './_layout.js';

/**
 * Matrix product over the last two axes, batched and broadcast over the leading ones:
 * `[..., m, k] · [..., k, n] → [..., m, n]`. Both inputs need rank ≥ 2.
 *
 * Derivatives: ∂/∂A = G·Bᵀ and ∂/∂B = Aᵀ·G, computed with the transposed-operand kernels, so backward copies
 * nothing; gradients of broadcast batch axes are summed by the tape, except that a matrix B shared by a batch of
 * A (x·W over time) gets its gradient from one folded product, never a per-batch stack, and a matrix B used by
 * many products (h·W at every time step) gets one product over all their rows.
 *
 * @example
 * ```ts
 * matmul(x, w);                          // [batch, in] · [in, out]
 * matmul(h, w, { transposeB: true });    // h · wᵀ
 * ```
 */
export const matmul = defineCorePrimitive({
  name: 'matmul',
  prepare: (op: string, a: TensorLike, b: TensorLike, options: MatmulOptions = {}) => {
    const inputs = toTensors(op, ['a', 'b'], [a, b]);
    return { inputs, attrs: checkLayout(op, inputs[0]!, inputs[1]!, options) };
  },
  forward: (k, inputs, { transA, transB, m, n, k: inner, batchShape }) => {
    const batch = sizeOf(batchShape);
    const [a, strideA] = batched(inputs[0]!, batchShape);
    const [b, strideB] = batched(inputs[1]!, batchShape);
    // Every output element is written when k ≥ 1; with k = 0 the product is zeros.
    const out = inner > 0 ? allocUnset(a.dtype, batch * m * n) : alloc(a.dtype, batch * m * n);
    // One matrix B for a batch of untransposed A (x·W over [T, B, I]): the batch's rows are one [batch·m, k]
    // matrix, so one product replaces `batch` small ones.
    if (strideB === 0 && !transA && batch > 1)
      k.matmul(a.data, b.data, out, { batch: 1, m: batch * m, n, k: inner, transA, transB, strideA: 0, strideB: 0 });
    else k.matmul(a.data, b.data, out, { batch, m, n, k: inner, transA, transB, strideA, strideB });
    return { data: out, shape: [...batchShape, m, n] };
  },
  backward: (gy, { inputs: [a, b], attrs: { transA, transB }, needs }): InputGrads => [
    needs[0] ? (transA ? matmul(b!, gy, { transposeA: transB, transposeB: true }) : matmul(gy, b!, { transposeB: !transB })) : null,
    needs[1] ? weightGradient(gy, a!, b!, transA, transB) : null,
  ],
  saves: { inputs: [0, 1] },
  check: {
    inputs: [real(), real()],
    order: 2,
    shapes: (pick: Pick) => {
      const [m, k, n] = [pick.int(1, 3), pick.int(1, 3), pick.int(1, 3)];
      const batch = pick.int(0, 2) === 0 ? [] : [pick.int(1, 2)];
      return [
        [...(pick.int(0, 1) ? batch : []), m, k],
        [...(pick.int(0, 1) ? batch : []), k, n],
      ];
    },
    call: ([a, b]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const [ta, tb] = [pick.int(0, 1) === 1, pick.int(0, 1) === 1];
      // Feeding the transposed layout with the matching flag exercises every kernel variant and backward branch.
      return matmul(ta ? transpose(a!) : a!, tb ? transpose(b!) : b!, { transposeA: ta, transposeB: tb });
    },
  },
});

/**
 * ∂/∂B. For one matrix B and untransposed A, the batch folds into the rows (one [k, n] product, not a [batch, k, n]
 * stack), left to the tape as a {@link ProductGradient} so that a weight used at every step gets one product.
 */
function weightGradient(gy: Tensor, a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor | ProductGradient {
  if (!transA && b.rank === 2) {
    const rows = (t: Tensor) => (t.rank === 2 ? t : reshape(t, [-1, t.shape[t.rank - 1]!]));
    return transB ? new ProductGradient(rows(gy), rows(a)) : new ProductGradient(rows(a), rows(gy));
  }
  return transB ? matmul(gy, a, { transposeA: true, transposeB: transA }) : matmul(a, gy, { transposeA: !transA });
}
