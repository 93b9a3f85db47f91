// Deliberately naive index arithmetic for reference implementations: multi-index ↔ flat offset, one element
// at a time, with nothing shared with the code under test.

/** Number of elements of `shape`. */
export function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The row-major multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/** The row-major flat position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}

/** Every multi-index of `shape`, in row-major order. */
export function allIndices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let f = 0; f < count(shape); f++) out.push(unravel(f, shape));
  return out;
}

/** NumPy broadcasting of two shapes, or null. */
export function broadcastRef(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (pa[d] === pb[d]) out.push(pa[d]!);
    else if (pa[d] === 1) out.push(pb[d]!);
    else if (pb[d] === 1) out.push(pa[d]!);
    else return null;
  }
  return out;
}

/** Flat position in `shape` of output index `outIdx` under broadcasting (right-align, size-1 axes read 0). */
export function broadcastSource(outIdx: readonly number[], shape: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  const idx = shape.map((dim, d) => (dim === 1 ? 0 : outIdx[lead + d]!));
  return ravel(idx, shape);
}
