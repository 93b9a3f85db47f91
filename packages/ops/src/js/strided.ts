import type { Shape } from '../kernels.js';

/**
 * A walk over an index box, shared by several operands that each see the box through their own strides.
 *
 * The box is simplified first: size-1 axes are dropped and neighbouring axes that step as one axis for every
 * operand are merged. A contiguous or broadcast-by-blocks operand then becomes one long innermost row, which is
 * where the time goes.
 */
export interface StridedLoop {
  /** Dims of the outer axes, outermost first (the innermost axis is `inner`). */
  readonly outer: readonly number[];
  /** `outerStrides[operand][axis]`: step of each operand along each outer axis. */
  readonly outerStrides: readonly (readonly number[])[];
  /** Length of the innermost axis; 1 when the box has no axis of size > 1. */
  readonly inner: number;
  /** Step of each operand along the innermost axis. */
  readonly innerStrides: readonly number[];
  /** Number of innermost rows, the product of `outer`. */
  readonly rows: number;
}

/** Simplifies the box `dims` seen through `strides[operand]` into a {@link StridedLoop}. */
export function planLoop(dims: Shape, strides: readonly (readonly number[])[]): StridedLoop {
  const operands = strides.length;
  const keptDims: number[] = [];
  const keptStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < dims.length; d++) {
    const dim = dims[d]!;
    if (dim === 1) continue;
    const last = keptDims.length - 1;
    if (last >= 0 && stepsAsOne(strides, keptStrides, d, dim)) {
      keptDims[last] = keptDims[last]! * dim;
      for (let o = 0; o < operands; o++) keptStrides[o]![last] = strides[o]![d]!;
    } else {
      keptDims.push(dim);
      for (let o = 0; o < operands; o++) keptStrides[o]!.push(strides[o]![d]!);
    }
  }
  const inner = keptDims.pop() ?? 1;
  const innerStrides = keptStrides.map((s) => s.pop() ?? 0);
  let rows = 1;
  for (const dim of keptDims) rows *= dim;
  return { outer: keptDims, outerStrides: keptStrides, inner, innerStrides, rows };
}

// The previous kept axis and axis d merge when, for every operand, one step of the previous axis equals
// `dim` steps of axis d.
function stepsAsOne(strides: readonly (readonly number[])[], kept: number[][], d: number, dim: number): boolean {
  for (let o = 0; o < strides.length; o++) {
    const outerStride = kept[o]![kept[o]!.length - 1]!;
    if (outerStride !== strides[o]![d]! * dim) return false;
  }
  return true;
}

/**
 * Moves the odometer `idx` (one counter per outer axis) to the next innermost row and updates each operand's
 * offset to match. Wrapping past the last row returns every offset to where it started.
 */
export function nextRow(loop: StridedLoop, idx: number[], offsets: number[]): void {
  const { outer, outerStrides } = loop;
  for (let d = outer.length - 1; d >= 0; d--) {
    if (++idx[d]! < outer[d]!) {
      for (let o = 0; o < offsets.length; o++) offsets[o]! += outerStrides[o]![d]!;
      return;
    }
    idx[d] = 0;
    for (let o = 0; o < offsets.length; o++) offsets[o]! -= outerStrides[o]![d]! * (outer[d]! - 1);
  }
}

/** A fresh odometer (all counters 0) for the outer axes of `loop`. */
export function startRow(loop: StridedLoop): number[] {
  return new Array<number>(loop.outer.length).fill(0);
}
