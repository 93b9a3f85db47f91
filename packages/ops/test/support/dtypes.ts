import type { FloatArray } from '../../src/kernels.js';

/** What a test needs to know about one dtype: how to allocate it and how it rounds. */
export interface DTypeCase {
  readonly name: 'float32' | 'float64';
  /** A zero-filled buffer of `length` elements. */
  readonly alloc: (length: number) => FloatArray;
  /** Rounds a double to this dtype (what storing it into the buffer does). */
  readonly round: (x: number) => number;
  /** Machine epsilon of the dtype. */
  readonly eps: number;
  /** Smallest positive subnormal: the absolute resolution near 0. */
  readonly tiny: number;
}

export const DTYPES: readonly DTypeCase[] = [
  { name: 'float32', alloc: (n) => new Float32Array(n), round: Math.fround, eps: 2 ** -23, tiny: 2 ** -149 },
  { name: 'float64', alloc: (n) => new Float64Array(n), round: (x) => x, eps: 2 ** -52, tiny: Number.MIN_VALUE },
];
