/**
 * Typed-array kernels for loom: the {@link Kernels} contract, its pure TypeScript implementation for float32
 * and float64, and the shape helpers that the rest of loom shares.
 *
 * @packageDocumentation
 */
export type { FloatArray, Kernels, KernelSource, MatmulLayout, Shape, View } from './kernels.js';
export { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from './shape.js';
export { backendInfo, kernelsFor, setNumThreads, type BackendInfo, type DType, type NativeStatus } from './backend.js';
