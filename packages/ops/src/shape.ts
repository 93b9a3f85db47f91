import type { Shape } from './kernels.js';

/**
 * Number of elements in a tensor of this shape: the product of its dims.
 *
 * A scalar (`[]`) has one element; any zero dim makes the size 0.
 *
 * @param shape - A row-major shape.
 * @returns The element count.
 * @example
 * ```ts
 * sizeOf([2, 3, 4]); // 24
 * sizeOf([]);        // 1
 * sizeOf([5, 0]);    // 0
 * ```
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (let d = 0; d < shape.length; d++) size *= shape[d]!;
  return size;
}

/**
 * Row-major (C order) strides of a contiguous tensor: `strides[d]` is the product of the dims after `d`.
 *
 * The result has the same rank as `shape`; the last stride is 1. Element `idx` lives at `Σ idx[d]·strides[d]`.
 *
 * @param shape - A row-major shape.
 * @returns One stride per axis, in elements.
 * @example
 * ```ts
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * stridesOf([]);        // []
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

/**
 * The shape two operands broadcast to under NumPy rules, or `null` if they do not broadcast.
 *
 * Shapes are right-aligned; missing leading axes count as 1. On each axis the dims must be equal or one of them
 * must be 1, and the result takes the other one. So a 1 against a 0 gives 0, as in NumPy.
 *
 * @param a - Shape of the first operand.
 * @param b - Shape of the second operand.
 * @returns The broadcast shape, of rank `max(a.length, b.length)`, or `null`.
 * @example
 * ```ts
 * broadcastShapes([4, 1, 3], [2, 1]); // [4, 2, 3]
 * broadcastShapes([2, 3], []);        // [2, 3]
 * broadcastShapes([2, 3], [4]);       // null
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const da = a[a.length - rank + d] ?? 1;
    const db = b[b.length - rank + d] ?? 1;
    if (da === db || db === 1) out[d] = da;
    else if (da === 1) out[d] = db;
    else return null;
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of shape `shape` as if it had shape `outShape` (NumPy broadcasting).
 *
 * The result has the rank of `outShape`. Axes that `shape` lacks (on the left) and axes where `shape` has size 1
 * get stride 0, so every index along them reads the same element.
 *
 * @param shape - Shape of the stored, contiguous operand.
 * @param outShape - Shape to view it as; `shape` must broadcast to it.
 * @returns One stride per axis of `outShape`, in elements.
 * @throws RangeError if `shape` does not broadcast to `outShape`.
 * @example
 * ```ts
 * broadcastStrides([3], [2, 3]);       // [0, 1]
 * broadcastStrides([2, 1], [2, 4]);    // [1, 0]
 * broadcastStrides([], [5]);           // [0]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const lead = outShape.length - shape.length;
  if (lead < 0) throw broadcastError(shape, outShape);
  const contiguous = stridesOf(shape);
  const strides = new Array<number>(outShape.length).fill(0);
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d]!;
    if (dim === 1) continue;
    if (dim !== outShape[lead + d]) throw broadcastError(shape, outShape);
    strides[lead + d] = contiguous[d]!;
  }
  return strides;
}

function broadcastError(shape: Shape, outShape: Shape): RangeError {
  return new RangeError(`broadcastStrides: shape [${shape.join(',')}] does not broadcast to [${outShape.join(',')}]`);
}
