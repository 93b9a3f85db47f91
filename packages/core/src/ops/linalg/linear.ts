import { broadcastShapes, sizeOf } from '@loom/ops';
import { alloc, sameShape, toTensors, type TensorLike } from '../../convert.js';
import { allocUnset } from '../../memory.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { ProductGradient } from '../../autodiff/product-gradient.js';
import { reshape } from '../shape/reshape.js';
import { matmul } from './matmul.js';

/**
 * The affine map `x · weightᵀ + bias` over the last axis of `x`, as PyTorch's `F.linear`: x [..., in], weight
 * [out, in] → [..., out]. `bias` is [out], or any shape that broadcasts to the output's (PyTorch's `addmm` takes
 * such an addend: a recurrent step's projected input, `linear(h, wHh, xw)`), or `null` for none. The same as
 * `add(matmul(x, weight, { transposeB: true }), bias)`, but the bias is added into the product's own output, so
 * each call makes one array instead of two.
 *
 * Derivatives: ∂/∂x = G·W, ∂/∂W = Gᵀ·x over all rows (one product, merged with the weight's other uses), ∂/∂b = G
 * summed by the tape over the axes the bias was broadcast along.
 *
 * @example
 * ```ts
 * linear(x, w, b);      // [T, B, in] → [T, B, out]
 * linear(h, w, null);   // h · wᵀ
 * linear(h, wHh, xw);   // h · wHhᵀ + xw, xw [B, out]
 * ```
 */
export const linear = defineCorePrimitive({
  name: 'linear',
  prepare: (op: string, x: TensorLike, weight: TensorLike, bias: TensorLike | null = null) => {
    const inputs = bias === null ? toTensors(op, ['x', 'weight'], [x, weight]) : toTensors(op, ['x', 'weight', 'bias'], [x, weight, bias]);
    const [tx, tw, tb] = inputs as [Tensor, Tensor, Tensor | undefined];
    if (tx.rank < 1 || tw.rank !== 2 || tw.shape[1] !== tx.shape[tx.rank - 1]) {
      throw new ShapeError(
        `${op}: x ${fmtShape(tx.shape)} and weight ${fmtShape(tw.shape)} do not fit: weight must be [out, in] with in = the last axis of x`,
      );
    }
    const shape = [...tx.shape.slice(0, -1), tw.shape[0]!];
    // The bias is added into the output in place, so it may broadcast to the output's shape but not widen it.
    if (tb !== undefined && !sameShape(broadcastShapes(shape, tb.shape) ?? [], shape)) {
      throw new ShapeError(
        `${op}: bias ${fmtShape(tb.shape)} does not broadcast to the output ${fmtShape(shape)} of x ${fmtShape(tx.shape)} and weight ${fmtShape(tw.shape)}`,
      );
    }
    return { inputs, attrs: shape };
  },
  forward: (k, [x, w, b], shape) => {
    const [outputs, features] = w!.shape as [number, number];
    const rows = outputs > 0 ? sizeOf(shape) / outputs : 0;
    // Every element is written when in ≥ 1; with in = 0 the product is zeros.
    const out = features > 0 ? allocUnset(x!.dtype, rows * outputs) : alloc(x!.dtype, rows * outputs);
    k.matmul(x!.data, w!.data, out, { batch: 1, m: rows, n: outputs, k: features, transA: false, transB: true, strideA: 0, strideB: 0 });
    // In place: each element is read before it is written, and the product is this op's own array.
    if (b !== undefined) k.add(out, shape, b.data, b.shape, out, shape);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [x, w], needs }): InputGrads => [
    needs[0] ? (x!.rank === 1 ? reshape(matmul(rowsOf(gy), w!), x!.shape) : matmul(gy, w!)) : null,
    needs[1] ? new ProductGradient(rowsOf(gy), rowsOf(x!)) : null,
    needs[2] ? gy : null,
  ],
  saves: { inputs: [0, 1] },
  check: {
    inputs: [real(), real(), real()],
    order: 2,
    shapes: (pick: Pick) => {
      const [inF, outF] = [pick.int(1, 3), pick.int(1, 3)];
      const lead = [[], [pick.int(1, 3)], [pick.int(1, 2), pick.int(1, 2)]][pick.int(0, 2)]!;
      const bias = [[outF], [...lead, outF], [...lead.map(() => 1), outF]][pick.int(0, 2)]!;
      return [[...lead, inF], [outF, inF], bias];
    },
    call: ([x, w, b]: Tensor[], pick: Pick): Tensor | Tensor[] => linear(x!, w!, pick.int(0, 1) === 1 ? b! : null),
  },
});

/** `t` as a matrix of its rows, [rows, last axis]: a view (a vector is one row). */
function rowsOf(t: Tensor): Tensor {
  return t.rank === 2 ? t : reshape(t, [sizeOf(t.shape.slice(0, -1)), t.shape[t.rank - 1]!]);
}
