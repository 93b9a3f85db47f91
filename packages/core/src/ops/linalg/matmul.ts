import { sizeOf } from '@loom/ops';
import { alloc, broadcastAll, toTensors, type TensorLike } from '../../convert.js';
import { definePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { noGrad } from '../../autodiff/mode.js';
import { expand } from '../shape/expand.js';
import { transpose } from '../shape/transpose.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use the transpose of the last two axes of `a` (read in place; nothing is copied). */
  readonly transposeA?: boolean;
  /** Use the transpose of the last two axes of `b` (read in place; nothing is copied). */
  readonly transposeB?: boolean;
}

/**
 * Matrix product over the last two axes, batched and broadcast over the leading ones:
 * `[..., m, k] · [..., k, n] → [..., m, n]`. Both inputs need rank ≥ 2.
 *
 * Derivatives: ∂/∂A = G·Bᵀ and ∂/∂B = Aᵀ·G, computed with the transposed-operand kernels, so backward copies
 * nothing; gradients of broadcast batch axes are summed by the tape.
 *
 * @example
 * ```ts
 * matmul(x, w);                          // [batch, in] · [in, out]
 * matmul(h, w, { transposeB: true });    // h · wᵀ
 * ```
 */
export const matmul = definePrimitive({
  name: 'matmul',
  prepare: (op: string, a: TensorLike, b: TensorLike, options: MatmulOptions = {}) => {
    const inputs = toTensors(op, ['a', 'b'], [a, b]);
    const [ta, tb] = inputs as [Tensor, Tensor];
    if (ta.rank < 2 || tb.rank < 2) {
      throw new ShapeError(`${op}: both inputs need rank ≥ 2, got a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)} (reshape a vector to [1, n] or [n, 1])`);
    }
    const transA = options.transposeA ?? false;
    const transB = options.transposeB ?? false;
    const [m, ka] = lastTwo(ta.shape, transA);
    const [kb, n] = lastTwo(tb.shape, transB);
    if (ka !== kb) {
      throw new ShapeError(`${op}: shapes ${fmtShape(ta.shape)}${transA ? 'ᵀ' : ''} and ${fmtShape(tb.shape)}${transB ? 'ᵀ' : ''} cannot be multiplied (${ka} ≠ ${kb})`);
    }
    const batchShape = broadcastAll(op, ['a (batch axes)', 'b (batch axes)'], [ta.shape.slice(0, -2), tb.shape.slice(0, -2)]);
    return { inputs, attrs: { transA, transB, m, n, k: ka, batchShape } };
  },
  forward: (k, inputs, { transA, transB, m, n, k: inner, batchShape }) => {
    const batch = sizeOf(batchShape);
    const [a, strideA] = batched(inputs[0]!, batchShape);
    const [b, strideB] = batched(inputs[1]!, batchShape);
    const out = alloc(a.dtype, batch * m * n);
    k.matmul(a.data, b.data, out, { batch, m, n, k: inner, transA, transB, strideA, strideB });
    return { data: out, shape: [...batchShape, m, n] };
  },
  backward: (gy, { inputs: [a, b], attrs: { transA, transB }, needs }): InputGrads => [
    needs[0] ? (transA ? matmul(b!, gy, { transposeA: transB, transposeB: true }) : matmul(gy, b!, { transposeB: !transB })) : null,
    needs[1] ? (transB ? matmul(gy, a!, { transposeA: true, transposeB: transA }) : matmul(a!, gy, { transposeA: !transA })) : null,
  ],
  check: {
    inputs: [real(), real()],
    order: 2,
    shapes: (pick: Pick) => {
      const [m, k, n] = [pick.int(1, 3), pick.int(1, 3), pick.int(1, 3)];
      const batch = pick.int(0, 2) === 0 ? [] : [pick.int(1, 2)];
      return [[...(pick.int(0, 1) ? batch : []), m, k], [...batch, k, n]];
    },
    call: ([a, b]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const [ta, tb] = [pick.int(0, 1) === 1, pick.int(0, 1) === 1];
      // Feeding the transposed layout with the matching flag exercises every kernel variant and backward branch.
      return matmul(ta ? transpose(a!) : a!, tb ? transpose(b!) : b!, { transposeA: ta, transposeB: tb });
    },
  },
});

function lastTwo(shape: readonly number[], transposed: boolean): [number, number] {
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  return transposed ? [cols, rows] : [rows, cols];
}

/** The input as matrices over the full batch, and the stride between them (0 when one matrix serves all). */
function batched(t: Tensor, batchShape: readonly number[]): [Tensor, number] {
  const own = t.shape.slice(0, -2);
  const matrix = t.shape[t.rank - 2]! * t.shape[t.rank - 1]!;
  if (sizeOf(own) === 1) return [t, 0];
  if (sizeOf(own) === sizeOf(batchShape)) return [t, matrix];
  // Partial broadcast, e.g. [2,1,m,k] against [2,3,k,n]: materialize the batch once, off the tape.
  return [noGrad(() => expand(t, [...batchShape, ...t.shape.slice(-2)])), matrix];
}

