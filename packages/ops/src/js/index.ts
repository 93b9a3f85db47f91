import type { FloatArray, Kernels } from '../kernels.js';
import { createActivationGradKernels } from './activation-grad.js';
import { createBinaryKernels } from './binary.js';
import { createCopyKernel } from './copy.js';
import { createGatherKernels } from './gather.js';
import { createMatmulKernel } from './matmul.js';
import { createReduceKernels } from './reduce.js';
import { createSolveKernel } from './solve.js';
import { createUnaryKernels } from './unary.js';

/**
 * Builds a complete set of pure TypeScript kernels for one dtype.
 *
 * Every call returns fresh closures, and `@loom/ops` calls it once per dtype, so the float32 and float64 kernel
 * objects never share mutable state (such as matmul's scratch row). Note that V8 (as of Node 20) keeps type
 * feedback per function literal, not per closure: both sets share it and see two array types.
 *
 * @example
 * ```ts
 * const k = createJsKernels<Float64Array>();
 * const out = new Float64Array(2);
 * k.exp(new Float64Array([0, 1]), out); // out = [1, e]
 * ```
 */
export function createJsKernels<F extends FloatArray>(): Kernels<F> {
  return {
    ...createUnaryKernels<F>(),
    ...createActivationGradKernels<F>(),
    ...createBinaryKernels<F>(),
    ...createReduceKernels<F>(),
    matmul: createMatmulKernel<F>(),
    copy: createCopyKernel<F>(),
    ...createGatherKernels<F>(),
    solve: createSolveKernel<F>(),
  };
}
