import type { Kernels, KernelSource } from './kernels.js';
import { createJsKernels } from './js/index.js';
import { loadNative, nativeKernelNames, nativeThresholds, withNative, type NativeKernelName } from './native.js';

/** The element types that kernels exist for. */
export type DType = 'float32' | 'float64';

/**
 * Whether the native addon is in use. It is optional: when it is not built (no C++ compiler at install), cannot load,
 * or `LOOM_NO_NATIVE=1` is set, every kernel is the TypeScript one and `reason` says why.
 */
export interface NativeStatus {
  /** Whether the addon loaded and serves some kernels. */
  readonly available: boolean;
  /** What was loaded, or why the addon is not in use, in words for a person. */
  readonly reason: string;
  /** Which GEMM the addon links: OpenBLAS when it was found at build time, else loop nests of its own. */
  readonly blas?: 'openblas' | 'own';
  /** The instruction set the addon's own kernels picked at load time for this CPU. */
  readonly simd?: 'avx512' | 'avx2' | 'sse2';
  /** Threads the addon's GEMM uses (see {@link setNumThreads}). */
  readonly threads?: number;
  /**
   * How the process allocator treats freed arrays. With the addon, loom asks glibc to serve every array from its
   * heap and reuse freed ones instead of mapping fresh pages from the OS, because a fresh page costs a fault on first
   * touch (up to a quarter of an LSTM step here); the price is that freed memory stays with the process, so its
   * RSS does not fall after a peak. `LOOM_KEEP_FREED_MEMORY=0` keeps glibc's defaults.
   */
  readonly memory?: string;
}

/** What {@link backendInfo} reports: whether the native addon loaded, and who serves each kernel. */
export interface BackendInfo {
  /** The native addon's status; when it is unavailable, `reason` says why. */
  readonly native: NativeStatus;
  /** For every kernel, the implementation that serves it. */
  readonly kernels: Record<keyof Kernels, KernelSource>;
}

let float32: Kernels<Float32Array> | undefined;
let float64: Kernels<Float64Array> | undefined;

/**
 * The kernels for one dtype. The kernel object is built on the first call for that dtype and the same object is
 * returned afterwards; importing `@loom/ops` builds nothing.
 *
 * @param dtype - `'float32'` or `'float64'`.
 * @returns The kernels operating on buffers of that dtype.
 * @throws TypeError for any other dtype (possible only from untyped callers).
 * @example
 * ```ts
 * const k = kernelsFor('float32');
 * const out = new Float32Array(3);
 * k.add(new Float32Array([1, 2, 3]), [3], new Float32Array([10]), [1], out, [3]); // out = [11, 12, 13]
 * ```
 */
export function kernelsFor(dtype: 'float32'): Kernels<Float32Array>;
/**
 * The float64 kernels; see the float32 overload.
 *
 * @param dtype - `'float64'`.
 * @returns The kernels operating on Float64Array buffers.
 */
export function kernelsFor(dtype: 'float64'): Kernels<Float64Array>;
/**
 * The kernels for a dtype known only at run time; see the float32 overload.
 *
 * @param dtype - `'float32'` or `'float64'`.
 * @returns The kernels operating on buffers of that dtype.
 */
export function kernelsFor(dtype: DType): Kernels<Float32Array> | Kernels<Float64Array>;
export function kernelsFor(dtype: DType): Kernels<Float32Array> | Kernels<Float64Array> {
  if (dtype === 'float32') return (float32 ??= build<Float32Array>(dtype));
  if (dtype === 'float64') return (float64 ??= build<Float64Array>(dtype));
  throw new TypeError(`kernelsFor: unknown dtype '${String(dtype)}' (expected 'float32' or 'float64')`);
}

function build<F extends Float32Array | Float64Array>(dtype: DType): Kernels<F> {
  const js = createJsKernels<F>();
  const { addon } = loadNative();
  return addon ? withNative(js, addon, dtype) : js;
}

/**
 * Sets how many threads the native GEMM uses: 1 (the default) or 2 with the addon's own GEMM, any number with
 * OpenBLAS. Only one thread pool ever serves GEMM, so pools never compete for cores. Without the addon this does
 * nothing and returns 1.
 *
 * @param n - The number of threads wanted.
 * @returns The number of threads in effect.
 * @example
 * ```ts
 * setNumThreads(2); // 2 with the addon, 1 without
 * ```
 */
export function setNumThreads(n: number): number {
  const { addon } = loadNative();
  return addon ? addon.setNumThreads(n) : 1;
}

// Listing each name once, typed as a record over keyof Kernels, makes the compiler reject a missing or extra name.
const kernelNames: Record<keyof Kernels, true> = {
  neg: true,
  exp: true,
  log: true,
  log1p: true,
  sqrt: true,
  tanh: true,
  sigmoid: true,
  sigmoidGrad: true,
  tanhGrad: true,
  relu: true,
  abs: true,
  sign: true,
  sin: true,
  cos: true,
  add: true,
  sub: true,
  mul: true,
  div: true,
  pow: true,
  maximum: true,
  minimum: true,
  eq: true,
  ne: true,
  lt: true,
  le: true,
  gt: true,
  ge: true,
  where: true,
  sum: true,
  max: true,
  argmax: true,
  matmul: true,
  copy: true,
  gather: true,
  scatterAdd: true,
  solve: true,
};

/**
 * Reports which implementation serves each kernel, and why the native addon is not in use when it is not. Loads
 * the addon if no kernel has yet. A kernel with a native version is `native` above its size threshold and JS
 * below it, and its `reason` gives the threshold.
 *
 * The result is a fresh object; changing it changes nothing.
 *
 * @example
 * ```ts
 * const info = backendInfo();
 * info.native.available; // true when the addon is built, e.g. with blas: 'openblas', simd: 'avx2'
 * info.kernels.matmul;   // { impl: 'native', reason: 'native from 1024 multiply-adds (batch·m·n·k), JS below' }
 * info.kernels.max;      // { impl: 'js', reason: 'no native version' }
 * ```
 */
export function backendInfo(): BackendInfo {
  const load = loadNative();
  const { reason } = load;
  const kernels = {} as Record<keyof Kernels, KernelSource>;
  const hasNative = new Set<string>(nativeKernelNames);
  for (const name of Object.keys(kernelNames) as (keyof Kernels)[]) {
    if (!load.addon) kernels[name] = { impl: 'js', reason };
    else if (!hasNative.has(name)) kernels[name] = { impl: 'js', reason: 'no native version' };
    else kernels[name] = { impl: 'native', reason: thresholdReason(name as NativeKernelName) };
  }
  if (!load.addon) return { native: { available: false, reason }, kernels };
  const { blas, simd, threads } = load.addon.info();
  return { native: { available: true, reason, blas, simd, threads, memory: load.memory }, kernels };
}

function thresholdReason(name: NativeKernelName): string {
  const min = nativeThresholds[name];
  if (name === 'matmul') return `native from ${min} multiply-adds (batch·m·n·k), JS below`;
  if (name === 'add' || name === 'mul' || name === 'sub')
    return `native from ${min} elements for equal shapes, a scalar operand or a repeated row${name === 'sub' ? ' (as b)' : ''}, JS otherwise`;
  if (name === 'neg') return `native from ${min} elements (a mul by −1), JS below`;
  if (name === 'copy') return `native from ${min} elements when the copy is equally spaced contiguous rows, JS otherwise`;
  if (name === 'sum') return `native from ${min} elements for a sum over leading axes (or all), JS otherwise`;
  return `native from ${min} elements, JS below`;
}
