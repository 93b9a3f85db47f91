import type { Shape } from '@loom/ops';
import { ShapeError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor.js';

/** Integer positions along one axis: a tensor of whole numbers, a nested array, or an Int32Array. */
export type Indices = Tensor | readonly number[] | readonly (readonly number[])[] | Int32Array;

/** Indices as a flat Int32Array with their shape, each checked to be a whole number in [0, size). */
export function toIndices(op: string, indices: Indices, size: number): { index: Int32Array; shape: Shape } {
  const { values, shape } = flatIndices(op, indices);
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      const problem = Number.isInteger(v) ? `is out of range for an axis of size ${size}` : 'is not a whole number';
      throw new ValueError(`${op}: index ${v} at position ${i} ${problem}`);
    }
    index[i] = v;
  }
  return { index, shape };
}

function flatIndices(op: string, indices: Indices): { values: ArrayLike<number>; shape: Shape } {
  if (indices instanceof Tensor) return { values: indices.data, shape: indices.shape };
  if (indices instanceof Int32Array) return { values: indices, shape: [indices.length] };
  if (indices.length > 0 && Array.isArray(indices[0])) {
    const rows = indices as readonly (readonly number[])[];
    const width = rows[0]!.length;
    rows.forEach((r, i) => {
      if (r.length !== width) throw new ShapeError(`${op}: ragged indices: row 0 has ${width} entries but row ${i} has ${r.length}`);
    });
    return { values: rows.flat(), shape: [rows.length, width] };
  }
  return { values: indices as readonly number[], shape: [indices.length] };
}

/** Sizes before the axis, along it, and after it: the [outer, size, inner] view the gather kernels take. */
export function splitAt(shape: Shape, axis: number, width = 1): [number, number, number] {
  const prod = (s: Shape) => s.reduce((n, d) => n * d, 1);
  return [prod(shape.slice(0, axis)), prod(shape.slice(axis, axis + width)), prod(shape.slice(axis + width))];
}
