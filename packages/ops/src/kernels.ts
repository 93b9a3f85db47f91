/** A dense float buffer: every kernel reads and writes one of these, and each call uses one dtype throughout. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major shape: one non-negative integer per axis. The empty array is a scalar. */
export type Shape = readonly number[];

/** The layout of a batched matrix product `out[b] = op(A[b]) · op(B[b])`, where op transposes when asked. */
export interface MatmulLayout {
  /** Number of matrices in the batch. */
  readonly batch: number;
  /** Rows of op(A) and of the output. */
  readonly m: number;
  /** Columns of op(B) and of the output. */
  readonly n: number;
  /** Shared inner dimension. */
  readonly k: number;
  /** A is stored as [k, m] per batch entry and read transposed. */
  readonly transA: boolean;
  /** B is stored as [n, k] per batch entry and read transposed. */
  readonly transB: boolean;
  /** Distance in elements between consecutive A matrices; 0 reuses one A for the whole batch. */
  readonly strideA: number;
  /** Distance in elements between consecutive B matrices; 0 reuses one B for the whole batch. */
  readonly strideB: number;
}

/** A strided view into a flat buffer: element `idx` lives at `offset + Σ idx[d]·strides[d]`. */
export interface View {
  /** Index of element (0, …, 0). */
  readonly offset: number;
  /** Step in elements for each axis; 0 repeats the same element (broadcast). */
  readonly strides: readonly number[];
}

/**
 * The kernel contract: everything `@loom/core` asks of the numerical back end, for one dtype `F`.
 *
 * Kernels know nothing of tensors or gradients. They never allocate their output: the caller passes `out`, sized
 * for the result, and the kernel overwrites all of it (scatterAdd adds into it). Inputs are never modified, except
 * that `add`, `sub` and `mul` may be given `out === a` when `a` has the output's shape (each element is read before
 * it is written; `linear` adds its bias in place this way). Shapes are row-major and checked by the caller; kernels
 * trust them. Unary kernels take `x` and `out` of the same length.
 */
export interface Kernels<F extends FloatArray = FloatArray> {
  /** Elementwise `out[i] = −x[i]`. */
  neg(x: F, out: F): void;
  /** Elementwise `out[i] = e^x[i]`. */
  exp(x: F, out: F): void;
  /** Elementwise `out[i] = ln x[i]`. */
  log(x: F, out: F): void;
  /** Elementwise `out[i] = ln(1 + x[i])`, accurate near 0. */
  log1p(x: F, out: F): void;
  /** Elementwise `out[i] = √x[i]`. */
  sqrt(x: F, out: F): void;
  /** Elementwise `out[i] = tanh x[i]`. */
  tanh(x: F, out: F): void;
  /** Elementwise `out[i] = 1 / (1 + e^(−x[i]))`, without overflow for large |x|. */
  sigmoid(x: F, out: F): void;
  /** Elementwise `out[i] = gy[i] · y[i] · (1 − y[i])`: the sigmoid's backward, from its output `y`. */
  sigmoidGrad(gy: F, y: F, out: F): void;
  /** Elementwise `out[i] = gy[i] · (1 − y[i]²)`: tanh's backward, from its output `y`. */
  tanhGrad(gy: F, y: F, out: F): void;
  /** Elementwise `out[i] = max(x[i], 0)`. */
  relu(x: F, out: F): void;
  /** Elementwise `out[i] = |x[i]|`. */
  abs(x: F, out: F): void;
  /** Elementwise `out[i] = sign(x[i])`: −1, 0 or 1, and NaN stays NaN. */
  sign(x: F, out: F): void;
  /** Elementwise `out[i] = sin x[i]`. */
  sin(x: F, out: F): void;
  /** Elementwise `out[i] = cos x[i]`. */
  cos(x: F, out: F): void;
  /**
   * Elementwise `out = a + b`, broadcasting as NumPy does: `aShape` and `bShape` are right-aligned against
   * `outShape`, and axes of size 1 (or missing) repeat. Every binary kernel below broadcasts the same way.
   */
  add(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `a − b`, broadcast as in {@link Kernels.add}. */
  sub(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `a · b`, broadcast as in {@link Kernels.add}. */
  mul(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `a / b`, broadcast as in {@link Kernels.add}. */
  div(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `aᵇ`, broadcast as in {@link Kernels.add}. */
  pow(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `max(a, b)`, NaN winning, broadcast as in {@link Kernels.add}. */
  maximum(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `min(a, b)`, NaN winning, broadcast as in {@link Kernels.add}. */
  minimum(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a = b else 0`, broadcast as in {@link Kernels.add}. */
  eq(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a ≠ b else 0`, broadcast as in {@link Kernels.add}. */
  ne(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a < b else 0`, broadcast as in {@link Kernels.add}. */
  lt(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a ≤ b else 0`, broadcast as in {@link Kernels.add}. */
  le(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a > b else 0`, broadcast as in {@link Kernels.add}. */
  gt(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Elementwise `1 if a ≥ b else 0`, broadcast as in {@link Kernels.add}. */
  ge(a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** `out = cond ≠ 0 ? a : b`, all three broadcast to `outShape` as in {@link Kernels.add}. */
  where(cond: F, condShape: Shape, a: F, aShape: Shape, b: F, bShape: Shape, out: F, outShape: Shape): void;
  /** Sums `x` over `axes` (sorted, distinct); `out` holds the result with those axes removed. */
  sum(x: F, shape: Shape, axes: readonly number[], out: F): void;
  /** Maximum of `x` over `axes` (sorted, distinct); NaN wins, an empty reduction gives −∞. */
  max(x: F, shape: Shape, axes: readonly number[], out: F): void;
  /**
   * Index of the first maximum of `x` along `axis`, written as a float into `out` (the shape without `axis`).
   * A NaN counts as the maximum, so the first NaN's index wins (as in NumPy). An empty axis writes −1.
   */
  argmax(x: F, shape: Shape, axis: number, out: F): void;
  /** Batched matrix product; see {@link MatmulLayout}. `out` is [batch, m, n]. */
  matmul(a: F, b: F, out: F, layout: MatmulLayout): void;
  /**
   * Copies every element of the index box `shape` from `src` viewed through `from` into `dst` viewed through `to`.
   * Transpose, permute, expand, slice, pad and concat are all this one kernel with different views.
   */
  copy(src: F, from: View, dst: F, to: View, shape: Shape): void;
  /**
   * Gathers along an axis (NumPy `take`): with `x` seen as [outer, size, inner],
   * `out[o, j, i] = x[o, indices[j], i]` for each j < indices.length. Indices are trusted to be in range.
   */
  gather(x: F, outer: number, size: number, inner: number, indices: Int32Array, out: F): void;
  /**
   * The adjoint of {@link Kernels.gather}: with `src` seen as [outer, indices.length, inner] and `out` as
   * [outer, size, inner], `out[o, indices[j], i] += src[o, j, i]`. Repeated indices accumulate.
   */
  scatterAdd(src: F, outer: number, size: number, inner: number, indices: Int32Array, out: F): void;
  /**
   * Solves `a[s] · out[s] = b[s]` for each of `batch` systems, `a` [batch, n, n] and `b`, `out` [batch, n, k]
   * (LU with partial pivoting). Returns false, with `out` unspecified, when some `a[s]` is singular.
   */
  solve(a: F, b: F, out: F, batch: number, n: number, k: number): boolean;
}

/** Which implementation serves a kernel, and why when it is not the fastest one available. */
export interface KernelSource {
  /** `js` for the pure TypeScript kernels, `native` for the addon. */
  readonly impl: 'js' | 'native';
  /** Why this implementation was chosen, e.g. that the addon is not built. */
  readonly reason?: string;
}
