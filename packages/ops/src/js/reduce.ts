import type { FloatArray, Kernels, Shape } from '../kernels.js';
import { stridesOf } from '../shape.js';
import { nextRow, planLoop, startRow, type StridedLoop } from './strided.js';

/** The reduction kernels. */
export type ReduceKernels<F extends FloatArray> = Pick<Kernels<F>, 'sum' | 'max' | 'argmax'>;

/**
 * Folds `n` elements `x[i], x[i + s], …` into the running value `acc`. The accumulator is a JS number (a double),
 * so float32 sums do not lose precision element by element; the result is rounded once, when stored.
 */
type FoldRow = (x: FloatArray, i: number, s: number, n: number, acc: number) => number;

const sumRow: FoldRow = (x, i, s, n, acc) => {
  if (s === 1) return acc + sumRun(x, i, n);
  for (let j = 0; j < n; j++, i += s) acc += x[i]!;
  return acc;
};

/**
 * Sum of `x[i], …, x[i + n − 1]` in four double accumulators: one accumulator is a chain of dependent adds, so it
 * runs at the add latency (3x slower here); the order of the additions is fixed, so results are repeatable.
 */
function sumRun(x: FloatArray, i: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  // A counted loop: V8 drops more bounds checks than with `i + 4 <= end` (0.16 against 0.22 ms at 2¹⁸ floats).
  const quads = n >> 2;
  for (let q = 0; q < quads; q++, i += 4) {
    a0 += x[i]!;
    a1 += x[i + 1]!;
    a2 += x[i + 2]!;
    a3 += x[i + 3]!;
  }
  for (let j = quads * 4; j < n; j++, i++) a0 += x[i]!;
  return a0 + a1 + (a2 + a3);
}

// `v > acc` is false whenever NaN is involved, so test for NaN explicitly: a NaN element wins and, once the
// accumulator is NaN, nothing replaces it (NumPy's max does the same).
const maxRow: FoldRow = (x, i, s, n, acc) => {
  for (let j = 0; j < n; j++, i += s) {
    const v = x[i]!;
    if (v > acc || v !== v) acc = v;
  }
  return acc;
};

/**
 * Reduces `x` (contiguous, `shape`) over `axes` with `fold`, starting each output element from `init`. Output
 * elements come in row-major order of the kept axes, which is the order of `out`.
 */
function reduceAxes(fold: FoldRow, init: number, x: FloatArray, shape: Shape, axes: readonly number[], out: FloatArray): void {
  const strides = stridesOf(shape);
  const keptDims: number[] = [];
  const keptStrides: number[] = [];
  const reducedDims: number[] = [];
  const reducedStrides: number[] = [];
  for (let d = 0, a = 0; d < shape.length; d++) {
    if (axes[a] === d) {
      a++;
      reducedDims.push(shape[d]!);
      reducedStrides.push(strides[d]!);
    } else {
      keptDims.push(shape[d]!);
      keptStrides.push(strides[d]!);
    }
  }
  const kept = planLoop(keptDims, [keptStrides]);
  const reduced = planLoop(reducedDims, [reducedStrides]);
  const keptStep = kept.innerStrides[0]!;
  const keptIdx = startRow(kept);
  const keptOffset = [0];
  for (let r = 0, o = 0; r < kept.rows; r++) {
    for (let j = 0, base = keptOffset[0]!; j < kept.inner; j++, base += keptStep) {
      out[o++] = foldBox(fold, init, x, base, reduced);
    }
    nextRow(kept, keptIdx, keptOffset);
  }
}

function foldBox(fold: FoldRow, init: number, x: FloatArray, base: number, box: StridedLoop): number {
  const step = box.innerStrides[0]!;
  // The usual case: the reduced axes merge into one run, so skip the odometer and its allocations.
  if (box.outer.length === 0) return fold(x, base, step, box.inner, init);
  const idx = startRow(box);
  const offset = [base];
  let acc = init;
  for (let r = 0; r < box.rows; r++) {
    acc = fold(x, offset[0]!, step, box.inner, acc);
    nextRow(box, idx, offset);
  }
  return acc;
}

/**
 * Index of the first maximum of `n` elements `x[i], x[i + s], …`; the first NaN if there is one (NumPy's
 * choice: NaN compares as the largest value); −1 when `n` is 0, since there is no index to give.
 */
function argmaxRow(x: FloatArray, i: number, s: number, n: number): number {
  if (n === 0) return -1;
  let best = x[i]!;
  if (best !== best) return 0;
  let bestIndex = 0;
  for (let j = 1; j < n; j++) {
    const v = x[i + j * s]!;
    if (v !== v) return j;
    if (v > best) {
      best = v;
      bestIndex = j;
    }
  }
  return bestIndex;
}

/** Whether `axes` are the first `axes.length` axes (at least one): the case `sumLeading` serves. */
export function isLeadingPrefix(axes: readonly number[]): boolean {
  return axes.length > 0 && axes.every((a, i) => a === i);
}

/**
 * Sum over the first `count` axes: add whole contiguous rows into a double-precision row, instead of walking each
 * output element down a column with a large stride. The tape's broadcast reduction of a bias gradient
 * ([B, H] → [H], every step) is this case.
 */
function sumLeading(x: FloatArray, shape: Shape, count: number, out: FloatArray): void {
  let rows = 1;
  for (let d = 0; d < count; d++) rows *= shape[d]!;
  const width = out.length;
  if (width === 1) {
    out[0] = sumRun(x, 0, rows); // a full reduction: no row bookkeeping per element
    return;
  }
  const acc = new Float64Array(width);
  let r = 0;
  let base = 0;
  // Four rows per pass: one read-modify-write of the accumulator per four elements (2–3x faster here).
  for (; r + 4 <= rows; r += 4, base += 4 * width) {
    const b1 = base + width;
    const b2 = b1 + width;
    const b3 = b2 + width;
    for (let i = 0; i < width; i++) acc[i]! += x[base + i]! + x[b1 + i]! + x[b2 + i]! + x[b3 + i]!;
  }
  for (; r < rows; r++, base += width) {
    for (let i = 0; i < width; i++) acc[i]! += x[base + i]!;
  }
  for (let i = 0; i < width; i++) out[i] = acc[i]!;
}

/** Builds the reduction kernels (`sum`, `max`, `argmax`). */
export function createReduceKernels<F extends FloatArray>(): ReduceKernels<F> {
  return {
    // An empty reduction gives the identity of the fold: 0 for sum, −∞ for max.
    sum: (x, shape, axes, out) =>
      isLeadingPrefix(axes) ? sumLeading(x, shape, axes.length, out) : reduceAxes(sumRow, 0, x, shape, axes, out),
    max: (x, shape, axes, out) => reduceAxes(maxRow, -Infinity, x, shape, axes, out),
    argmax(x, shape, axis, out) {
      let outer = 1;
      let inner = 1;
      for (let d = 0; d < axis; d++) outer *= shape[d]!;
      for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
      const size = shape[axis]!;
      for (let o = 0, k = 0; o < outer; o++) {
        for (let i = 0, base = o * size * inner; i < inner; i++, base++) out[k++] = argmaxRow(x, base, inner, size);
      }
    },
  };
}
