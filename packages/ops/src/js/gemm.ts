import type { FloatArray } from '../kernels.js';

/**
 * A cache-blocked, register-blocked GEMM in the BLIS style, for one product `C = op(A) · op(B)`.
 *
 * Loop nest (outermost first): jc over NC columns of C, ic over MC rows, pc over KC steps of the inner dimension.
 * A KC×NC block of op(B) is packed into NR-column micro-panels and an MC×KC block of op(A) into MR-row
 * micro-panels. The micro-kernel then walks both panels with unit stride and keeps an MR×NR block of C in local
 * variables, so each loaded element of A and B feeds NR or MR multiply-adds, instead of the one
 * load-multiply-add-store per term of an i-k-j loop.
 *
 * pc is innermost (BLIS puts it outside ic) so that a float32 product needs a double accumulator of only MC×NC
 * (256 KiB), not m×NC: the whole of k is summed into it before it is rounded once. The price is that, when k > KC,
 * the B block is packed again for each MC row block, k·n·m/MC extra copies, 1/MC of the multiply-adds; when
 * k ≤ KC it is packed once per NC block and reused.
 *
 * Packing reads op(A) and op(B) through (row, column) strides, so all four transpose variants share one code path
 * and the caller never copies an operand. The packed panels are float64 whatever the input dtype: the micro-kernel
 * sees one array type (monomorphic in V8), and float32 products accumulate in double. Edge panels are zero-padded
 * to full MR or NR; the padded rows and columns of C are computed but never written back.
 */

/** Rows of C per micro-tile. */
export const MR = 4;
/** Columns of C per micro-tile. The micro-kernel relies on NR = MR (one index walks both panels). */
export const NR = 4;
/**
 * Inner-dimension depth of a packed block: one B micro-panel (KC×NR doubles, 8 KiB) stays in L1 while the A block
 * streams past it. The scalar micro-kernel is compute-bound in V8, so KC, MC and NC matter little: KC 128–512,
 * MC 32–128 and NC 256–1024 measured within run-to-run noise at n = 512 and 1024 (Node 20, shared 2-core x86-64).
 */
export const KC = 256;
/** Rows per packed A block: MC×KC doubles (128 KiB) stay in L2, reread once per B micro-panel. */
export const MC = 64;
/** Columns per packed B block: KC×NC doubles (1 MiB); also the width of the float32 accumulator (MC×NC). */
export const NC = 512;

/** Where op(X) lives: element (r, c) of op(X) is `x[offset + r·rowStride + c·colStride]`. */
export interface Operand {
  readonly data: FloatArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Where C's accumulator lives: element (i, j) is `data[offset + i·ld + j]`, in double precision. */
interface Target {
  data: Float64Array;
  offset: number;
  ld: number;
}

/** Packing and accumulator buffers, fixed in size (about 1.4 MiB with the accumulator) and kept between calls. */
export class GemmScratch {
  packA = new Float64Array(MC * KC);
  packB = new Float64Array(KC * NC);
  /** Created on first use: a float64 product accumulates in the output itself. */
  acc: Float64Array | undefined;
}

/**
 * Packs rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into MR-row micro-panels: panel r holds, for each p,
 * the MR values of rows i0+r·MR… contiguously. Rows past `mc` are zero.
 */
function packA(A: Operand, i0: number, mc: number, p0: number, kc: number, dst: Float64Array): void {
  const { data, rowStride, colStride } = A;
  let d = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const base = A.offset + (i0 + ir) * rowStride + p0 * colStride;
    if (rows === MR) {
      const r1 = rowStride;
      const r2 = 2 * rowStride;
      const r3 = 3 * rowStride;
      for (let p = 0; p < kc; p++) {
        const s = base + p * colStride;
        dst[d] = data[s]!;
        dst[d + 1] = data[s + r1]!;
        dst[d + 2] = data[s + r2]!;
        dst[d + 3] = data[s + r3]!;
        d += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = base + p * colStride;
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? data[s + r * rowStride]! : 0;
        d += MR;
      }
    }
  }
}

/**
 * Packs rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column micro-panels: panel c holds, for each p,
 * the NR values of columns j0+c·NR… contiguously. Columns past `nc` are zero.
 */
function packB(B: Operand, p0: number, kc: number, j0: number, nc: number, dst: Float64Array): void {
  const { data, rowStride, colStride } = B;
  let d = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const base = B.offset + p0 * rowStride + (j0 + jr) * colStride;
    if (cols === NR) {
      const c1 = colStride;
      const c2 = 2 * colStride;
      const c3 = 3 * colStride;
      for (let p = 0; p < kc; p++) {
        const s = base + p * rowStride;
        dst[d] = data[s]!;
        dst[d + 1] = data[s + c1]!;
        dst[d + 2] = data[s + c2]!;
        dst[d + 3] = data[s + c3]!;
        d += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = base + p * rowStride;
        for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? data[s + c * colStride]! : 0;
        d += NR;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: C[0:rows, 0:cols] (+)= Σ_p a[·, p] · b[p, ·] over `kc` packed steps. The 16 sums live in
 * locals (registers or stack slots, never the heap). `first` stores instead of adding, so C needs no zeroing.
 * Each sum runs over p in order within the block; across KC blocks, block sums are added in order.
 */
function micro4x4(
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  kc: number,
  C: Target,
  i: number,
  j: number,
  rows: number,
  cols: number,
  first: boolean,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  // MR = NR, so both panels advance by the same step: one index walks A's panel, and B's sits a fixed distance `d`
  // away, which frees a register. The step is a literal 4, not MR: with MR the loop measured ~15% slower on
  // Node 20 (V8 loads a module-level const from the module context rather than folding it).
  const d = ib - ia;
  const end = ia + kc * 4;
  for (; ia < end; ia += 4) {
    const b0 = pb[ia + d]!;
    const b1 = pb[ia + d + 1]!;
    const b2 = pb[ia + d + 2]!;
    const b3 = pb[ia + d + 3]!;
    const a0 = pa[ia]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    const a1 = pa[ia + 1]!;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    const a2 = pa[ia + 2]!;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    const a3 = pa[ia + 3]!;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  const c = C.data;
  const ld = C.ld;
  const o = C.offset + i * ld + j;
  if (rows === MR && cols === NR) {
    if (first) {
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      c[o + ld] = c10;
      c[o + ld + 1] = c11;
      c[o + ld + 2] = c12;
      c[o + ld + 3] = c13;
      c[o + 2 * ld] = c20;
      c[o + 2 * ld + 1] = c21;
      c[o + 2 * ld + 2] = c22;
      c[o + 2 * ld + 3] = c23;
      c[o + 3 * ld] = c30;
      c[o + 3 * ld + 1] = c31;
      c[o + 3 * ld + 2] = c32;
      c[o + 3 * ld + 3] = c33;
    } else {
      c[o]! += c00;
      c[o + 1]! += c01;
      c[o + 2]! += c02;
      c[o + 3]! += c03;
      c[o + ld]! += c10;
      c[o + ld + 1]! += c11;
      c[o + ld + 2]! += c12;
      c[o + ld + 3]! += c13;
      c[o + 2 * ld]! += c20;
      c[o + 2 * ld + 1]! += c21;
      c[o + 2 * ld + 2]! += c22;
      c[o + 2 * ld + 3]! += c23;
      c[o + 3 * ld]! += c30;
      c[o + 3 * ld + 1]! += c31;
      c[o + 3 * ld + 2]! += c32;
      c[o + 3 * ld + 3]! += c33;
    }
    return;
  }
  // Edge tile: only the top-left rows×cols block of the 4×4 is real; the rest came from zero padding.
  const t = EDGE;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < cols; s++) {
      const v = t[r * NR + s]!;
      if (first) c[o + r * ld + s] = v;
      else c[o + r * ld + s]! += v;
    }
  }
}

/**
 * Holds an edge tile's sums while the valid part is written back. Shared by every kernel instance: it is written
 * and read within one synchronous micro-kernel call, so no state crosses calls.
 */
const EDGE = new Float64Array(MR * NR);

/**
 * out[outOffset + i·n + j] = Σ_p op(A)[i, p] · op(B)[p, j] for an m×k by k×n product, with k ≥ 1.
 * A float64 `out` is accumulated in place; a float32 `out` goes through a double MC×NC accumulator and is rounded
 * once per element.
 */
export function gemmBlocked(
  A: Operand,
  B: Operand,
  out: FloatArray,
  outOffset: number,
  m: number,
  n: number,
  k: number,
  scratch: GemmScratch,
): void {
  const { packA: pa, packB: pb } = scratch;
  const direct = out instanceof Float64Array;
  const C: Target = direct ? { data: out, offset: 0, ld: n } : { data: (scratch.acc ??= new Float64Array(MC * NC)), offset: 0, ld: 0 };
  const reuseB = k <= KC;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    if (reuseB) packB(B, 0, k, jc, nc, pb);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      if (direct) C.offset = outOffset + ic * n + jc;
      else C.ld = nc;
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        const first = pc === 0;
        if (!reuseB) packB(B, pc, kc, jc, nc, pb);
        packA(A, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const ib = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            micro4x4(pa, ir * kc, pb, ib, kc, C, ir, jr, Math.min(MR, mc - ir), cols, first);
          }
        }
      }
      if (!direct) {
        const acc = C.data;
        for (let i = 0; i < mc; i++) {
          const src = i * nc;
          const dst = outOffset + (ic + i) * n + jc;
          for (let j = 0; j < nc; j++) out[dst + j] = acc[src + j]!;
        }
      }
    }
  }
}
