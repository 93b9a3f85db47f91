import { sizeOf } from '@loom/ops';
import { alloc, sameShape, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import { eye } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { neg } from '../unary/neg.js';
import { transpose } from '../shape/transpose.js';
import { matmul } from './matmul.js';

/**
 * Solves the linear systems A·Y = B for Y = A⁻¹B, over the last two axes: A [..., n, n], B [..., n, k] → Y
 * [..., n, k], with the same leading (batch) axes on A and B. LU factorization with partial pivoting; a singular
 * A is a ValueError. Never forms A⁻¹, which would be slower and less accurate.
 *
 * Derivatives (from dY = A⁻¹(dB − dA·Y)): ∂/∂B = Aᵀ⁻¹G, solved again with this op, and ∂/∂A = −(∂/∂B)·Yᵀ.
 * Both are built from ops, so the rule differentiates again.
 *
 * @example
 * ```ts
 * solve(tensor([[2, 0], [0, 4]]), tensor([[2], [8]])); // [[1], [2]]
 * ```
 */
export const solve = defineCorePrimitive({
  name: 'solve',
  prepare: (op: string, a: TensorLike, b: TensorLike) => {
    const [ta, tb] = toTensors(op, ['a', 'b'], [a, b]) as [Tensor, Tensor];
    const n = ta.shape[ta.rank - 1]!;
    if (ta.rank < 2 || ta.shape[ta.rank - 2] !== n)
      throw new ShapeError(`${op}: a must be [..., n, n] (square), got ${fmtShape(ta.shape)}`);
    if (tb.rank !== ta.rank || tb.shape[tb.rank - 2] !== n || !sameShape(ta.shape.slice(0, -2), tb.shape.slice(0, -2))) {
      throw new ShapeError(`${op}: b must be [..., ${n}, k] with the batch axes of a ${fmtShape(ta.shape)}, got ${fmtShape(tb.shape)}`);
    }
    return { inputs: [ta, tb], attrs: { n, k: tb.shape[tb.rank - 1]!, batch: sizeOf(ta.shape.slice(0, -2)) } };
  },
  forward: (kernels, [a, b], { n, k, batch }) => {
    const out = alloc(b!.dtype, b!.size);
    if (!kernels.solve(a!.data, b!.data, out, batch, n, k)) {
      throw new ValueError(`solve: a ${fmtShape(a!.shape)} is singular (a zero pivot in its LU factorization)`);
    }
    return { data: out, shape: b!.shape };
  },
  backward: (gy, { inputs: [a], out }): InputGrads => {
    const gb = solve(transpose(a!), gy);
    return [neg(matmul(gb, out, { transposeB: true })), gb];
  },
  saves: { inputs: [0], output: true },
  check: {
    // A = D + 2n·I with |D| ≤ 1 is strictly diagonally dominant: its eigenvalues lie at distance ≥ n from 0.
    inputs: [real(-1, 1), real()],
    order: 2,
    shapes: (pick: Pick) => {
      const [n, k] = [pick.int(1, 3), pick.int(1, 3)];
      const batch = pick.int(0, 1) === 0 ? [] : [pick.int(1, 2)];
      return [
        [...batch, n, n],
        [...batch, n, k],
      ];
    },
    call: ([a, b]: Tensor[]): Tensor => {
      const n = a!.shape[a!.rank - 1]!;
      return solve(add(a!, mul(eye(n, n, { dtype: a!.dtype }), 2 * n)), b!);
    },
  },
});
