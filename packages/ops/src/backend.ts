import type { Kernels, KernelSource } from './kernels.js';
import { createJsKernels } from './js/index.js';

/** The element types that kernels exist for. */
export type DType = 'float32' | 'float64';

/** Whether the native addon is in use. In this build it never is, and `reason` says so. */
export interface NativeStatus {
  /** Whether the addon loaded and serves some kernels. */
  readonly available: false;
  /** Why the addon is not in use, in words for a person. */
  readonly reason: string;
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
  if (dtype === 'float32') return (float32 ??= createJsKernels<Float32Array>());
  if (dtype === 'float64') return (float64 ??= createJsKernels<Float64Array>());
  throw new TypeError(`kernelsFor: unknown dtype '${String(dtype)}' (expected 'float32' or 'float64')`);
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
};

/**
 * Reports which implementation serves each kernel, and why the native addon is not in use.
 *
 * In this build every kernel is the pure TypeScript one. The result is a fresh object; changing it changes
 * nothing.
 *
 * @example
 * ```ts
 * const info = backendInfo();
 * info.native.available; // false
 * info.kernels.matmul;   // { impl: 'js' }
 * ```
 */
export function backendInfo(): BackendInfo {
  const kernels = {} as Record<keyof Kernels, KernelSource>;
  for (const name of Object.keys(kernelNames) as (keyof Kernels)[]) kernels[name] = { impl: 'js' };
  return {
    native: { available: false, reason: 'the native addon is not part of this build yet; all kernels are JS' },
    kernels,
  };
}
