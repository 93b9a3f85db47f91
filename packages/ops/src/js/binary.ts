import type { FloatArray, Kernels } from '../kernels.js';
import { broadcastBinary, broadcastWhere, type BinaryRow } from './broadcast.js';

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** The broadcasting elementwise kernels of two arguments, plus `where`. */
export type BinaryKernels<F extends FloatArray> = Pick<Kernels<F>, BinaryName | 'where'>;

function binary<F extends FloatArray>(row: BinaryRow<F>): Kernels<F>['add'] {
  return (a, aShape, b, bShape, out, outShape) => broadcastBinary(row, a, aShape, b, bShape, out, outShape);
}

/**
 * Builds the binary kernels. Each op is written out as its own row loop (see {@link BinaryRow}); comparisons
 * write 1 or 0, and any comparison with NaN is false except `ne`, as in IEEE 754.
 */
export function createBinaryKernels<F extends FloatArray>(): BinaryKernels<F> {
  return {
    add: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! + b[ib]!;
    }),
    sub: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! - b[ib]!;
    }),
    mul: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! * b[ib]!;
    }),
    div: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! / b[ib]!;
    }),
    pow: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! ** b[ib]!;
    }),
    // Math.max/min return NaN if either argument is NaN: NaN propagates, as in NumPy's maximum/minimum.
    maximum: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = Math.max(a[ia]!, b[ib]!);
    }),
    minimum: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = Math.min(a[ia]!, b[ib]!);
    }),
    eq: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! === b[ib]! ? 1 : 0;
    }),
    ne: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! !== b[ib]! ? 1 : 0;
    }),
    lt: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! < b[ib]! ? 1 : 0;
    }),
    le: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! <= b[ib]! ? 1 : 0;
    }),
    gt: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! > b[ib]! ? 1 : 0;
    }),
    ge: binary<F>((a, ia, sa, b, ib, sb, out, io, n) => {
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia]! >= b[ib]! ? 1 : 0;
    }),
    where: (cond, condShape, a, aShape, b, bShape, out, outShape) => broadcastWhere(cond, condShape, a, aShape, b, bShape, out, outShape),
  };
}
