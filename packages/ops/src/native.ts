import type { FloatArray, Kernels, Shape } from './kernels.js';

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
  /** Sets the GEMM threads (own pool: 1 or 2; OpenBLAS: its pool) and returns the number in effect. */
  setNumThreads(n: number): number;
  info(): { blas: 'openblas' | 'own'; simd: 'avx512' | 'avx2' | 'sse2'; threads: number };
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

/** The kernels the addon serves; the rest of {@link Kernels} is always JS. */
export const nativeKernelNames = ['matmul', 'exp', 'tanh', 'sigmoid', 'add', 'mul'] as const;
/** One of {@link nativeKernelNames}. */
export type NativeKernelName = (typeof nativeKernelNames)[number];

/**
 * Sizes from which the native kernel is called; below them the N-API call (about 0.3–1 µs) costs more than it
 * saves. matmul counts multiply-adds (batch·m·n·k); the others count elements. Measured on Node 20, x86-64, 2
 * cores, AVX2, float32, native (OpenBLAS and own GEMM) against the JS kernels: matmul breaks even near 8³ = 512 and
 * is 3× faster at 12³; exp, tanh and sigmoid break even near 20–30 elements and are 3× faster at 64; add and mul
 * (same shape) break even near 150–200 and are 2× faster at 256.
 */
export const nativeThresholds: Readonly<Record<NativeKernelName, number>> = {
  matmul: 1024,
  exp: 32,
  tanh: 32,
  sigmoid: 32,
  add: 256,
  mul: 256,
};

/** Where the addon loaded from, or why it did not. */
export type NativeLoad = { readonly addon: NativeAddon; readonly reason: string } | { readonly addon?: undefined; readonly reason: string };

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
    return { addon, reason: `native addon loaded (${blas === 'openblas' ? 'OpenBLAS' : 'own'} GEMM, ${simd})` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND')
      return { reason: 'the native addon is not built (run `pnpm build:native`; it needs a C++ compiler and Python)' };
    return { reason: `the native addon failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function sameSize(shape: Shape, n: number): boolean {
  let size = 1;
  for (const d of shape) size *= d;
  return size === n;
}

/** Rows at least this long go to native one row per call; below it the call costs more than the JS loop. */
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

/** `out[r] = full[r] ∘ row` for every row of `out`, one native call per row (the elementwise loop is SIMD there). */
function byRows<F extends FloatArray>(native: NativeBinary<F>, full: F, row: F, out: F): void {
  const width = row.length;
  for (let o = 0; o < out.length; o += width) native(full.subarray(o, o + width) as F, row, out.subarray(o, o + width) as F);
}

/**
 * Returns `js` with the addon's kernels wrapped over it: each calls native at or above its threshold in
 * {@link nativeThresholds} and the JS kernel below it (add and mul natively for equal shapes, and for a row repeated
 * over leading axes, such as a bias over a batch; other broadcasts run in JS).
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
  const binary = (name: 'add' | 'mul'): Kernels<F>['add'] => {
    const native = pick<NativeBinary<F>>(name);
    const fallback = js[name];
    const min = t[name];
    return (a, aShape, b, bShape, out, outShape) => {
      const n = out.length;
      if (n >= min && a.length === n && b.length === n && sameSize(aShape, n) && sameSize(bShape, n) && sameSize(outShape, n))
        native(a, b, out);
      else if (n >= min && a.length === n && sameSize(aShape, n) && isRowOf(bShape, outShape)) byRows(native, a, b, out);
      else if (n >= min && b.length === n && sameSize(bShape, n) && isRowOf(aShape, outShape)) byRows(native, b, a, out);
      else fallback(a, aShape, b, bShape, out, outShape);
    };
  };
  const jsMatmul = js.matmul;
  return {
    ...js,
    matmul(a, b, out, l) {
      if (l.batch * l.m * l.n * l.k >= t.matmul) matmul(a, b, out, l.batch, l.m, l.n, l.k, l.transA, l.transB, l.strideA, l.strideB);
      else jsMatmul(a, b, out, l);
    },
    exp: unary('exp'),
    tanh: unary('tanh'),
    sigmoid: unary('sigmoid'),
    add: binary('add'),
    mul: binary('mul'),
  };
}
