import type { FloatArray, Kernels } from '../kernels.js';

/** The indexing kernels: `gather` and its adjoint `scatterAdd`. */
export type GatherKernels<F extends FloatArray> = Pick<Kernels<F>, 'gather' | 'scatterAdd'>;

/** Builds `gather` (NumPy `take` along an axis) and `scatterAdd` (its adjoint, accumulating repeats). */
export function createGatherKernels<F extends FloatArray>(): GatherKernels<F> {
  return {
    gather(x, outer, size, inner, indices, out) {
      const count = indices.length;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < count; j++) {
          const from = (o * size + indices[j]!) * inner;
          const to = (o * count + j) * inner;
          for (let i = 0; i < inner; i++) out[to + i] = x[from + i]!;
        }
      }
    },
    scatterAdd(src, outer, size, inner, indices, out) {
      const count = indices.length;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < count; j++) {
          const from = (o * count + j) * inner;
          const to = (o * size + indices[j]!) * inner;
          for (let i = 0; i < inner; i++) out[to + i]! += src[from + i]!;
        }
      }
    },
  };
}
