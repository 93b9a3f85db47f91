import type { FloatArray, Kernels } from '../kernels.js';
import { GemmScratch, gemmBlocked, type Operand } from './gemm.js';

/**
 * Where op(A) lives: element (i, p) of op(A) is `a[offset + i·rowStride + p·colStride]`. A stored [m, k] has
 * strides (k, 1); A stored [k, m] and read transposed has strides (1, m).
 */
interface OperandA {
  readonly a: FloatArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * out[i, :] = Σ_p op(A)[i, p] · B[p, :] with B stored [k, n] (i-k-j order). The innermost loop walks a row of B
 * and a row of the accumulator, both contiguous. `acc` holds one output row in double precision, so a float32
 * product is rounded once per element rather than once per term.
 */
function rowsTimesB(
  A: OperandA,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
  outOffset: number,
  m: number,
  n: number,
  k: number,
  acc: Float64Array,
): void {
  const { a, rowStride, colStride } = A;
  for (let i = 0; i < m; i++) {
    acc.fill(0, 0, n);
    const aRow = A.offset + i * rowStride;
    for (let p = 0; p < k; p++) {
      // No shortcut for a zero coefficient: 0 · ∞ must still give NaN.
      const aip = a[aRow + p * colStride]!;
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) acc[j]! += aip * b[bRow + j]!;
    }
    const outRow = outOffset + i * n;
    for (let j = 0; j < n; j++) out[outRow + j] = acc[j]!;
  }
}

/**
 * out[i, j] = op(A)[i, :] · B[j, :] with B stored [n, k] and read transposed (i-j-p order): each output element is
 * a dot product of two contiguous rows. Row i of op(A) is first copied into `acc` so that it is contiguous even
 * when A is transposed too.
 */
function rowsDotRowsOfB(
  A: OperandA,
  b: FloatArray,
  bOffset: number,
  out: FloatArray,
  outOffset: number,
  m: number,
  n: number,
  k: number,
  acc: Float64Array,
): void {
  const { a, rowStride, colStride } = A;
  for (let i = 0; i < m; i++) {
    const aRow = A.offset + i * rowStride;
    for (let p = 0; p < k; p++) acc[p] = a[aRow + p * colStride]!;
    const outRow = outOffset + i * n;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * k;
      let dot = 0;
      for (let p = 0; p < k; p++) dot += acc[p]! * b[bRow + p]!;
      out[outRow + j] = dot;
    }
  }
}

/**
 * When the packed GEMM pays (measured on Node 20, x86-64, against the direct i-k-j loop): it is 1.3–3× faster
 * from 4×4×4 up, except with a single row or column, where packing k·n (or m·k) values costs as much as the
 * product (m = 1: 0.4×; m = 2 breaks even; n = 1: 0.8×). Below 512 multiply-adds either path is well under a
 * microsecond, and the direct loops avoid the per-call setup.
 */
const BLOCKED_MIN_ROWS = 4;
const BLOCKED_MIN_COLS = 2;
const BLOCKED_MIN_WORK = 512;
/**
 * A product with a thin inner dimension (k = B = 1 for a weight gradient hᵀ·g at batch 1) is an outer product:
 * the direct loop streams it once, while packing and clearing the blocked accumulator cost more than the product.
 */
const BLOCKED_MIN_DEPTH = 8;

/**
 * Builds the batched matmul kernel. Products with at least {@link BLOCKED_MIN_ROWS} rows,
 * {@link BLOCKED_MIN_COLS} columns and {@link BLOCKED_MIN_WORK} multiply-adds go through the packed,
 * register-blocked GEMM in `gemm.ts`; the rest through direct loops. It keeps its scratch (one double row for the
 * direct loops, packed panels for the blocked path) between calls, grown on demand, so small products in a
 * training loop do not allocate. Both paths accumulate in double and round a float32 result once per element.
 */
export function createMatmulKernel<F extends FloatArray>(): Kernels<F>['matmul'] {
  let scratch = new Float64Array(64);
  let gemmScratch: GemmScratch | undefined;
  return function matmul(a, b, out, layout) {
    let { batch, m } = layout;
    const { n, k, transA, transB, strideA, strideB } = layout;
    if (m === 0 || n === 0) return;
    if (batch > 1 && strideB === 0 && !transA && strideA === m * k) {
      // One B shared by contiguous, untransposed A matrices (x·W over a batch): the stacked A is one
      // [batch·m, k] matrix and the output one [batch·m, n] matrix, so do a single product and pack B once.
      m *= batch;
      batch = 1;
    }
    const rowStride = transA ? 1 : k;
    const colStride = transA ? m : 1;
    if (k >= BLOCKED_MIN_DEPTH && m >= BLOCKED_MIN_ROWS && n >= BLOCKED_MIN_COLS && m * n * k >= BLOCKED_MIN_WORK) {
      gemmScratch ??= new GemmScratch();
      const bRowStride = transB ? 1 : n;
      const bColStride = transB ? k : 1;
      for (let t = 0; t < batch; t++) {
        const A: Operand = { data: a, offset: t * strideA, rowStride, colStride };
        const B: Operand = { data: b, offset: t * strideB, rowStride: bRowStride, colStride: bColStride };
        gemmBlocked(A, B, out, t * m * n, m, n, k, gemmScratch);
      }
      return;
    }
    const scratchLength = transB ? k : n;
    if (scratch.length < scratchLength) scratch = new Float64Array(scratchLength);
    for (let t = 0; t < batch; t++) {
      const A: OperandA = { a, offset: t * strideA, rowStride, colStride };
      if (transB) rowsDotRowsOfB(A, b, t * strideB, out, t * m * n, m, n, k, scratch);
      else rowsTimesB(A, b, t * strideB, out, t * m * n, m, n, k, scratch);
    }
  };
}
