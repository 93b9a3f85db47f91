import { sizeOf } from '@loom/ops';
import { broadcastAll } from '../../convert.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { noGrad } from '../../autodiff/mode.js';
import type { Tensor } from '../../tensor.js';
import { expand } from '../shape/expand.js';

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use the transpose of the last two axes of `a` (read in place; nothing is copied). */
  readonly transposeA?: boolean;
  /** Use the transpose of the last two axes of `b` (read in place; nothing is copied). */
  readonly transposeB?: boolean;
}

/** Rows and columns of the last two axes, as the product reads them. */
export function lastTwo(shape: readonly number[], transposed: boolean): [number, number] {
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  return transposed ? [cols, rows] : [rows, cols];
}

/** The input as matrices over the full batch, and the stride between them (0 when one matrix serves all). */
export function batched(t: Tensor, batchShape: readonly number[]): [Tensor, number] {
  const own = t.shape.slice(0, -2);
  const matrix = t.shape[t.rank - 2]! * t.shape[t.rank - 1]!;
  if (sizeOf(own) === 1) return [t, 0];
  if (sizeOf(own) === sizeOf(batchShape)) return [t, matrix];
  // Partial broadcast, e.g. [2,1,m,k] against [2,3,k,n]: materialize the batch once, off the tape.
  return [noGrad(() => expand(t, [...batchShape, ...t.shape.slice(-2)])), matrix];
}

/** Checks that `a` and `b` can be multiplied and returns the product's layout: m, n, k and the batch shape. */
export function checkLayout(op: string, ta: Tensor, tb: Tensor, options: MatmulOptions) {
  if (ta.rank < 2 || tb.rank < 2) {
    throw new ShapeError(
      `${op}: both inputs need rank ≥ 2, got a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)} (reshape a vector to [1, n] or [n, 1])`,
    );
  }
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  const [m, ka] = lastTwo(ta.shape, transA);
  const [kb, n] = lastTwo(tb.shape, transB);
  if (ka !== kb) {
    throw new ShapeError(
      `${op}: shapes ${fmtShape(ta.shape)}${transA ? 'ᵀ' : ''} and ${fmtShape(tb.shape)}${transB ? 'ᵀ' : ''} cannot be multiplied (${ka} ≠ ${kb})`,
    );
  }
  const batchShape = broadcastAll(op, ['a (batch axes)', 'b (batch axes)'], [ta.shape.slice(0, -2), tb.shape.slice(0, -2)]);
  return { transA, transB, m, n, k: ka, batchShape };
}
