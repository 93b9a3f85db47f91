import type { FloatArray, Kernels } from '../kernels.js';
import { sizeOf } from '../shape.js';
import { nextRow, planLoop, startRow } from './strided.js';

// Below this row length a plain loop beats `set(subarray(…))`, which allocates a view object per row.
const BULK_ROW = 64;

/** Builds the strided copy kernel (transpose, permute, expand, slice, pad and concat are all views over it). */
export function createCopyKernel<F extends FloatArray>(): Kernels<F>['copy'] {
  return function copy(src, from, dst, to, shape) {
    if (sizeOf(shape) === 0) return;
    const loop = planLoop(shape, [from.strides, to.strides]);
    const { inner, innerStrides, rows } = loop;
    const ss = innerStrides[0]!;
    const ds = innerStrides[1]!;
    const idx = startRow(loop);
    const offsets = [from.offset, to.offset];
    for (let r = 0; r < rows; r++) {
      let si = offsets[0]!;
      let di = offsets[1]!;
      if (ss === 1 && ds === 1) {
        if (inner >= BULK_ROW) dst.set(src.subarray(si, si + inner), di);
        else for (let j = 0; j < inner; j++) dst[di + j] = src[si + j]!;
      } else {
        for (let j = 0; j < inner; j++, si += ss, di += ds) dst[di] = src[si]!;
      }
      nextRow(loop, idx, offsets);
    }
  };
}
