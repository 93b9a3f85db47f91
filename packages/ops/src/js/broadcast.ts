import type { FloatArray, Shape } from '../kernels.js';
import { broadcastStrides, sizeOf } from '../shape.js';
import { nextRow, planLoop, startRow } from './strided.js';

/**
 * The inner loop of one binary op: `out[io + j] = a[ia + j·sa] ∘ b[ib + j·sb]` for j < n.
 *
 * Every op has its own row function so the JIT can inline the arithmetic; the drivers below only decide where
 * rows start, and call the row function once per row.
 */
export type BinaryRow<F extends FloatArray> = (
  a: F,
  ia: number,
  sa: number,
  b: F,
  ib: number,
  sb: number,
  out: F,
  io: number,
  n: number,
) => void;

/** Runs `row` over `outShape`, with `a` and `b` broadcast to it (NumPy rules; `out` is contiguous). */
export function broadcastBinary<F extends FloatArray>(
  row: BinaryRow<F>,
  a: F,
  aShape: Shape,
  b: F,
  bShape: Shape,
  out: F,
  outShape: Shape,
): void {
  const size = sizeOf(outShape);
  if (size === 0) return;
  const sizeA = sizeOf(aShape);
  const sizeB = sizeOf(bShape);
  // An operand as large as the output has the output's layout, and a one-element operand is a stride-0 scalar:
  // either way the whole output is one row.
  if ((sizeA === size || sizeA === 1) && (sizeB === size || sizeB === 1)) {
    row(a, 0, sizeA === 1 ? 0 : 1, b, 0, sizeB === 1 ? 0 : 1, out, 0, size);
    return;
  }
  const loop = planLoop(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const { inner, innerStrides, rows } = loop;
  const sa = innerStrides[0]!;
  const sb = innerStrides[1]!;
  const idx = startRow(loop);
  const offsets = [0, 0];
  for (let r = 0, io = 0; r < rows; r++, io += inner) {
    row(a, offsets[0]!, sa, b, offsets[1]!, sb, out, io, inner);
    nextRow(loop, idx, offsets);
  }
}

/** `out = cond ≠ 0 ? a : b` over `outShape`, with all three operands broadcast to it. */
export function broadcastWhere<F extends FloatArray>(
  cond: F,
  condShape: Shape,
  a: F,
  aShape: Shape,
  b: F,
  bShape: Shape,
  out: F,
  outShape: Shape,
): void {
  if (sizeOf(outShape) === 0) return;
  const loop = planLoop(outShape, [
    broadcastStrides(condShape, outShape),
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ]);
  const { inner, innerStrides, rows } = loop;
  const sc = innerStrides[0]!;
  const sa = innerStrides[1]!;
  const sb = innerStrides[2]!;
  const idx = startRow(loop);
  const offsets = [0, 0, 0];
  for (let r = 0, io = 0; r < rows; r++, io += inner) {
    let ic = offsets[0]!;
    let ia = offsets[1]!;
    let ib = offsets[2]!;
    // NaN ≠ 0, so a NaN condition picks `a`, as NumPy's truthiness does.
    for (let j = 0; j < inner; j++, ic += sc, ia += sa, ib += sb) out[io + j] = cond[ic]! !== 0 ? a[ia]! : b[ib]!;
    nextRow(loop, idx, offsets);
  }
}
