import { isLeadingPrefix } from './js/reduce.js';
import { planLoop } from './js/strided.js';
import type { FloatArray, Kernels, Shape } from './kernels.js';
import { sizeOf } from './shape.js';

/** The raw exports of `native/build/Release/loom_native.node` (see `native/src/addon.cc`). Every entry serves any size. */
export interface NativeAddon {
  matmulF32: NativeMatmul<Float32Array>;
  matmulF64: NativeMatmul<Float64Array>;
  /** The addon's own GEMM even in an OpenBLAS build (for the parity tests). */
  ownMatmulF32: NativeMatmul<Float32Array>;
  ownMatmulF64: NativeMatmul<Float64Array>;
  expF32: NativeUnary<Float32Array>;
  expF64: NativeUnary<Float64Array>;
  tanhF32: NativeUnary<Float32Array>;
  tanhF64: NativeUnary<Float64Array>;
  sigmoidF32: NativeUnary<Float32Array>;
  sigmoidF64: NativeUnary<Float64Array>;
  addF32: NativeBinary<Float32Array>;
  addF64: NativeBinary<Float64Array>;
  mulF32: NativeBinary<Float32Array>;
  mulF64: NativeBinary<Float64Array>;
  subF32: NativeBinary<Float32Array>;
  subF64: NativeBinary<Float64Array>;
  /** `(gy, y, out)`: the sigmoid's backward, computed in double as the JS kernel does (equal results). */
  sigmoidGradF32: NativeBinary<Float32Array>;
  sigmoidGradF64: NativeBinary<Float64Array>;
  /** `(gy, y, out)`: tanh's backward, computed in double as the JS kernel does (equal results). */
  tanhGradF32: NativeBinary<Float32Array>;
  tanhGradF64: NativeBinary<Float64Array>;
  /** `(full, row, out)`: `out[r·w + i] = full[r·w + i] + row[i]` for every row of `out` (w = row.length), in one call. */
  addRowF32: NativeBinary<Float32Array>;
  addRowF64: NativeBinary<Float64Array>;
  /** `(full, row, out)`: as `addRow`, with `*`. */
  mulRowF32: NativeBinary<Float32Array>;
  mulRowF64: NativeBinary<Float64Array>;
  /** `(full, row, out)`: as `addRow`, with `full − row`. */
  subRowF32: NativeBinary<Float32Array>;
  subRowF64: NativeBinary<Float64Array>;
  copyRowsF32: NativeCopyRows<Float32Array>;
  copyRowsF64: NativeCopyRows<Float64Array>;
  sumLeadingF32: NativeSumLeading<Float32Array>;
  sumLeadingF64: NativeSumLeading<Float64Array>;
  /** Sets the GEMM threads (own pool: 1 or 2; OpenBLAS: its pool) and returns the number in effect. */
  setNumThreads(n: number): number;
  info(): { blas: 'openblas' | 'own'; simd: 'avx512' | 'avx2' | 'sse2'; threads: number };
  /** Tells glibc to serve every array from its heap and reuse freed ones, not map fresh pages; false if not glibc. */
  keepFreedMemory(): boolean;
}
export type NativeMatmul<F> = (
  a: F,
  b: F,
  out: F,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  strideA: number,
  strideB: number,
) => void;
export type NativeUnary<F> = (x: F, out: F) => void;
export type NativeBinary<F> = (a: F, b: F, out: F) => void;
/**
 * Copies `rows` rows of `width` contiguous elements: row r from `src[srcOffset + r·srcRowStride …]` to
 * `dst[dstOffset + r·dstRowStride …]`, in order. Offsets and strides are non-negative integers; a row outside either
 * buffer throws a RangeError. `src` and `dst` are assumed not to overlap (in loom they are different buffers).
 */
export type NativeCopyRows<F> = (
  src: F,
  srcOffset: number,
  srcRowStride: number,
  dst: F,
  dstOffset: number,
  dstRowStride: number,
  rows: number,
  width: number,
) => void;
/**
 * `out[i] = Σ_r x[r·width + i]` for i < width, over `rows` rows, in double and in the JS `sum` kernel's order (bit
 * for bit equal to it); width 1 is a full sum. Throws a RangeError when `x` or `out` is too short.
 */
export type NativeSumLeading<F> = (x: F, rows: number, width: number, out: F) => void;

/** The kernels the addon serves; the rest of {@link Kernels} is always JS. */
export const nativeKernelNames = [
  'matmul',
  'exp',
  'tanh',
  'sigmoid',
  'sigmoidGrad',
  'tanhGrad',
  'add',
  'sub',
  'mul',
  'neg',
  'copy',
  'sum',
] as const;
/** One of {@link nativeKernelNames}. */
export type NativeKernelName = (typeof nativeKernelNames)[number];

/**
 * Sizes from which the native kernel is called; below them the N-API call (about 0.3–1 µs) costs more than it
 * saves. matmul counts multiply-adds (batch·m·n·k); the others count elements. Measured on Node 20, x86-64, 2
 * cores, AVX2, float32, native (OpenBLAS and own GEMM) against the JS kernels: matmul breaks even near 8³ = 512 and
 * is 3× faster at 12³; exp, tanh and sigmoid break even near 20–30 elements and are 3× faster at 64; add and mul
 * (same shape) break even near 150–200 and are 2× faster at 256. sub (same shape, float32 and float64) breaks even
 * near 100–130 and is 2–2.5× faster at 256, 10–20× at 8192 (1.7–2.7 µs against 28–37 µs). A scalar operand costs
 * a fill of the scratch buffer only when its value changes; mul by a scalar breaks even near 100–250 and is 2×
 * faster at 256, 8–14× at 8192 (1.4–2.4 µs against 20–21 µs). sigmoidGrad and tanhGrad, which are memory-bound and
 * cheap in JS too, break even near 100–130 and are 2–2.5× faster at 256, 7–14× at 8192 (2.4–3.4 µs against 21–35
 * µs). A row repeated over leading axes (a bias over a batch) is one native call for all rows: 4–10× faster than JS
 * at 128 elements and 11–30× at [32, 1024] (3.6–8.7 µs against 99 µs), where one call per row took 23 µs. neg is
 * mul by a scratch of −1 (exact: x · −1 = −x in IEEE arithmetic), so it shares mul's threshold.
 *
 * copy (float32 and float64, through withNative) counts the elements of a box of equally spaced contiguous rows: with
 * 4 or more rows it breaks even near 100–130 and is 1.3–2× faster at 256, 2–6× from 1024 (32 rows of 256 out of
 * [32, 1024]: 1.2–2.0 µs against 3.5–4 µs here, and JS's view object per row is garbage besides); two rows are a wash
 * at any length (two `set` calls in JS). sum over leading axes adds in the JS order, so it cannot use more lanes than
 * JS's accumulators: summing rows into a row is still 3–5× faster from 128 to 1024 elements and 8–10× at
 * [32, 256] to [32, 1024] (1.0–1.6 µs against 8–12 µs), but a full sum is bound by the latency of JS's four add
 * chains, and breaks even near 512 and is 1.4× faster at 1024, 2.3× at 2¹⁹ (130 µs against 300 µs).
 */
export const nativeThresholds: Readonly<Record<NativeKernelName, number>> = {
  matmul: 1024,
  exp: 32,
  tanh: 32,
  sigmoid: 32,
  sigmoidGrad: 128,
  tanhGrad: 128,
  add: 256,
  sub: 256,
  mul: 256,
  neg: 256,
  copy: 256,
  sum: 512,
};

/** Where the addon loaded from, or why it did not. */
export type NativeLoad =
  | { readonly addon: NativeAddon; readonly reason: string; readonly memory: string }
  | { readonly addon?: undefined; readonly reason: string };

let loaded: NativeLoad | undefined;

/**
 * Loads the addon once (on first use, never at import time). `LOOM_NO_NATIVE=1` forces the JS kernels. Any failure
 * (not built, built for another Node, not running under Node) is caught and turned into the reason.
 */
export function loadNative(): NativeLoad {
  return (loaded ??= tryLoad());
}

function tryLoad(): NativeLoad {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc?.env?.['LOOM_NO_NATIVE'] === '1') return { reason: 'LOOM_NO_NATIVE=1 forces the TypeScript kernels' };
  const nodeModule = proc?.getBuiltinModule?.('node:module');
  if (!nodeModule) return { reason: 'not running under Node.js, so the native addon cannot load' };
  try {
    // src/ (tests) and dist/ (built) both sit next to native/.
    const addon = nodeModule.createRequire(import.meta.url)('../native/build/Release/loom_native.node') as NativeAddon;
    const { blas, simd } = addon.info();
    return {
      addon,
      reason: `native addon loaded (${blas === 'openblas' ? 'OpenBLAS' : 'own'} GEMM, ${simd})`,
      memory: tuneMemory(proc!, addon),
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND')
      return { reason: 'the native addon is not built (run `pnpm build:native`; it needs a C++ compiler and Python)' };
    return { reason: `the native addon failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Asks glibc to keep freed arrays for reuse (see `keepFreedMemory` in addon.cc for why: fresh pages cost a fault
 * each), unless `LOOM_KEEP_FREED_MEMORY=0`. It changes the allocator of the whole process, so it happens only with
 * the addon, is reported by `backendInfo().native.memory`, and can be turned off.
 */
function tuneMemory(proc: NodeJS.Process, addon: NativeAddon): string {
  if (proc.env['LOOM_KEEP_FREED_MEMORY'] === '0') return "glibc's defaults (LOOM_KEEP_FREED_MEMORY=0)";
  if (!addon.keepFreedMemory()) return "the allocator's defaults (not glibc)";
  return 'glibc serves arrays from its heap, reusing freed ones, and keeps up to 128 MiB of free heap (LOOM_KEEP_FREED_MEMORY=0 turns this off)';
}

function sameSize(shape: Shape, n: number): boolean {
  let size = 1;
  for (const d of shape) size *= d;
  return size === n;
}

/** Rows at least this long go to the native row kernel; shorter rows are too short for its per-row SIMD loop to pay. */
const MIN_NATIVE_ROW = 64;

/**
 * Whether `row` broadcasts to `out` as one repeated row (a bias over a batch): after its leading 1s, `row`'s shape
 * is `out`'s trailing axes, at least {@link MIN_NATIVE_ROW} elements long.
 */
function isRowOf(row: Shape, out: Shape): boolean {
  let first = 0;
  while (first < row.length && row[first] === 1) first++;
  const rest = row.length - first;
  if (rest === 0 || rest > out.length) return false;
  let width = 1;
  for (let i = 0; i < rest; i++) {
    const d = row[first + i]!;
    if (d !== out[out.length - rest + i]) return false;
    width *= d;
  }
  return width >= MIN_NATIVE_ROW;
}

/** The longest scratch buffer a scalar is spread over (128 KiB in float64); longer outputs go in chunks of it. */
export const SCRATCH_CAP = 16384;

/** A buffer holding one scalar repeated in `[0, filled)`; private to this module and only ever read by native. */
interface Scratch {
  buf: FloatArray | undefined;
  filled: number;
}

// One per dtype, shared by every withNative wrapper of that dtype, so the memory is allocated once.
const scratches: Record<'float32' | 'float64', Scratch> = {
  float32: { buf: undefined, filled: 0 },
  float64: { buf: undefined, filled: 0 },
};

/**
 * The scratch buffer of `dtype` with `value` in at least its first min(n, {@link SCRATCH_CAP}) elements. The last
 * value is kept, so a scalar repeated call after call (`mul(2, y)` at every step) is written once, not every call.
 */
function spread(dtype: 'float32' | 'float64', value: number, n: number): FloatArray {
  const s = scratches[dtype];
  const want = Math.min(n, SCRATCH_CAP);
  let buf = s.buf;
  if (buf === undefined || buf.length < want) {
    const length = Math.min(SCRATCH_CAP, Math.max(want, 2 * (buf?.length ?? 0)));
    buf = s.buf = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
    s.filled = 0;
  }
  // `value` was read from a buffer of this dtype, so it compares exactly with what the scratch holds (NaN, −0 too).
  if (s.filled > 0 && !Object.is(buf[0], value)) s.filled = 0;
  if (s.filled < want) {
    buf.fill(value, s.filled, want);
    s.filled = want;
  }
  return buf;
}

/**
 * `out = scalar ∘ x` (`scalarFirst`) or `x ∘ scalar` with the same-shape native kernel, the scalar spread over a
 * scratch buffer: a chunk of at most {@link SCRATCH_CAP} elements per call. Exactly what the JS broadcast computes,
 * as add, sub and mul are single IEEE operations in both.
 */
function withScalar<F extends FloatArray>(native: NativeBinary<F>, scratch: F, x: F, out: F, scalarFirst: boolean): void {
  const n = out.length;
  const step = Math.min(scratch.length, n);
  for (let o = 0; o < n; o += step) {
    const xs = (step === n ? x : x.subarray(o, o + step)) as F;
    const os = (step === n ? out : out.subarray(o, o + step)) as F;
    if (scalarFirst) native(scratch, xs, os);
    else native(xs, scratch, os);
  }
}

/**
 * Returns `js` with the addon's kernels wrapped over it: each calls native at or above its threshold in
 * {@link nativeThresholds} and the JS kernel below it. neg is a mul by −1. add, sub and mul go native for equal shapes, for a scalar
 * (one element, any all-ones shape) on either side, and for a row repeated over leading axes, such as a bias over a
 * batch (for sub only as the second operand, all rows in one call); other broadcasts run in JS. copy goes native for
 * a box of equally spaced contiguous rows (two or more), and sum for a sum over leading axes or all of them, which
 * the addon computes in the JS order, so the result is the same to the bit.
 */
export function withNative<F extends FloatArray>(js: Kernels<F>, addon: NativeAddon, dtype: 'float32' | 'float64'): Kernels<F> {
  const suffix = dtype === 'float32' ? 'F32' : 'F64';
  const pick = <T>(name: string): T => (addon as unknown as Record<string, T>)[name + suffix]!;
  const t = nativeThresholds;
  const matmul = pick<NativeMatmul<F>>('matmul');
  const unary = (name: 'exp' | 'tanh' | 'sigmoid'): Kernels<F>['exp'] => {
    const native = pick<NativeUnary<F>>(name);
    const fallback = js[name];
    const min = t[name];
    return (x, out) => (out.length >= min ? native(x, out) : fallback(x, out));
  };
  const grad = (name: 'sigmoidGrad' | 'tanhGrad'): Kernels<F>['sigmoidGrad'] => {
    const native = pick<NativeBinary<F>>(name);
    const fallback = js[name];
    const min = t[name];
    return (gy, y, out) => (out.length >= min ? native(gy, y, out) : fallback(gy, y, out));
  };
  const binary = (name: 'add' | 'sub' | 'mul'): Kernels<F>['add'] => {
    const native = pick<NativeBinary<F>>(name);
    const byRow = pick<NativeBinary<F>>(name + 'Row');
    const fallback = js[name];
    const min = t[name];
    // The row kernel computes full ∘ row; with the row first that is b ∘ a, which only a commutative op may swap.
    const rowFirstOk = name !== 'sub';
    return (a, aShape, b, bShape, out, outShape) => {
      const n = out.length;
      if (n < min || !sameSize(outShape, n)) return fallback(a, aShape, b, bShape, out, outShape);
      const aFull = a.length === n && sameSize(aShape, n);
      const bFull = b.length === n && sameSize(bShape, n);
      if (aFull && bFull) native(a, b, out);
      else if (aFull && b.length === 1 && sameSize(bShape, 1)) withScalar(native, spread(dtype, b[0]!, n) as F, a, out, false);
      else if (bFull && a.length === 1 && sameSize(aShape, 1)) withScalar(native, spread(dtype, a[0]!, n) as F, b, out, true);
      else if (aFull && isRowOf(bShape, outShape) && sameSize(bShape, b.length)) byRow(a, b, out);
      else if (rowFirstOk && bFull && isRowOf(aShape, outShape) && sameSize(aShape, a.length)) byRow(b, a, out);
      else fallback(a, aShape, b, bShape, out, outShape);
    };
  };
  const jsMatmul = js.matmul;
  const mulNative = pick<NativeBinary<F>>('mul');
  const jsNeg = js.neg;
  const copyRows = pick<NativeCopyRows<F>>('copyRows');
  const jsCopy = js.copy;
  const sumLeading = pick<NativeSumLeading<F>>('sumLeading');
  const jsSum = js.sum;
  return {
    ...js,
    matmul(a, b, out, l) {
      if (l.batch * l.m * l.n * l.k >= t.matmul) matmul(a, b, out, l.batch, l.m, l.n, l.k, l.transA, l.transB, l.strideA, l.strideB);
      else jsMatmul(a, b, out, l);
    },
    exp: unary('exp'),
    tanh: unary('tanh'),
    sigmoid: unary('sigmoid'),
    sigmoidGrad: grad('sigmoidGrad'),
    tanhGrad: grad('tanhGrad'),
    add: binary('add'),
    sub: binary('sub'),
    mul: binary('mul'),
    neg: (x, out) => (out.length >= t.neg ? withScalar(mulNative, spread(dtype, -1, out.length) as F, x, out, false) : jsNeg(x, out)),
    // Equally spaced contiguous rows (a gate sliced out of [B, 4H], a gradient placed back) in one call instead of a
    // view and a `set` per row. One contiguous run is a single `set` in JS already; a strided inner axis or a second
    // outer axis stays in JS, where the odometer walks it.
    copy(src, from, dst, to, shape) {
      if (sizeOf(shape) >= t.copy) {
        const loop = planLoop(shape, [from.strides, to.strides]);
        if (loop.outer.length === 1 && loop.innerStrides[0] === 1 && loop.innerStrides[1] === 1) {
          const srcStride = loop.outerStrides[0]![0]!;
          const dstStride = loop.outerStrides[1]![0]!;
          if (srcStride >= 0 && dstStride >= 0)
            return copyRows(src, from.offset, srcStride, dst, to.offset, dstStride, loop.rows, loop.inner);
        }
      }
      jsCopy(src, from, dst, to, shape);
    },
    // Exactly the cases where JS takes its sumLeading path, which the native kernel reproduces bit for bit.
    sum(x, shape, axes, out) {
      if (x.length < t.sum || !isLeadingPrefix(axes)) return jsSum(x, shape, axes, out);
      let rows = 1;
      for (let d = 0; d < axes.length; d++) rows *= shape[d]!;
      sumLeading(x, rows, out.length, out);
    },
  };
}
