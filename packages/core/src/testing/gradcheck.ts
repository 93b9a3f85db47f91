import { noGrad } from '../autodiff/mode.js';
import { vjp } from '../autodiff/vjp.js';
import { alloc, constant } from '../convert.js';
import { randn } from '../creation.js';
import { DTypeError, LoomError } from '../errors.js';
import { concat } from '../ops/shape/concat.js';
import { reshape } from '../ops/shape/reshape.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor.js';

/** Options of {@link gradcheck} and {@link gradgradcheck}; the defaults are PyTorch's. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  readonly eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  readonly atol?: number;
  /** Relative tolerance, against the numerical value. Default 1e-3. */
  readonly rtol?: number;
  /**
   * Compare one random projection vᵀJu per output/input pair instead of whole Jacobians: one vjp and two
   * evaluations per pair instead of one per element. Default false.
   */
  readonly fastMode?: boolean;
  /** Throw {@link GradcheckError} on a mismatch (default); with false, return false instead. */
  readonly raiseException?: boolean;
  /** Source of the random projections (fast mode) and gradient outputs (gradgradcheck). Default: seed 0. */
  readonly generator?: Generator;
}

/** Options of {@link gradgradcheck}. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /** Cotangents for f's outputs, one per output; random normal when absent. */
  readonly gradOutputs?: readonly Tensor[];
}

/** A function under test: tensors in, one tensor or several out. */
export type CheckedFunction = (...inputs: Tensor[]) => Tensor | Tensor[];

/**
 * A gradient that disagrees with finite differences. The message names the output and input and prints both
 * Jacobians (rows: output elements, columns: input elements; in fast mode, the 1×1 projections).
 */
export class GradcheckError extends LoomError {
  /** Always `'GradcheckError'`. */
  override name = 'GradcheckError';

  /** Builds the error from the two Jacobians. */
  constructor(
    /** Which output of the function (0-based). */
    readonly outputIndex: number,
    /** Which input of the function (0-based). */
    readonly inputIndex: number,
    /** The finite-difference Jacobian, [output size, input size]. */
    readonly numerical: Tensor,
    /** The Jacobian from the tape, [output size, input size]. */
    readonly analytical: Tensor,
    detail: string,
  ) {
    super(
      `Jacobian mismatch for output ${outputIndex} with respect to input ${inputIndex}: ${detail}\n` +
        `numerical:\n${formatMatrix(numerical)}\nanalytical:\n${formatMatrix(analytical)}`,
    );
  }
}

/**
 * Checks the gradients of `f` at `inputs` against central finite differences, as PyTorch's `gradcheck`:
 * every input must be float64, and each Jacobian entry must satisfy |a − n| ≤ atol + rtol·|n|.
 * Use it in your own test suites for custom ops and cells.
 *
 * @returns true when all gradients match (or false, with `raiseException: false`).
 * @throws {@link GradcheckError} naming the output and input that disagree.
 *
 * @example
 * ```ts
 * gradcheck((x, w) => tanh(matmul(x, w)), [randn([2, 3], f64), randn([3, 4], f64)]);
 * ```
 */
export function gradcheck(f: CheckedFunction, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, fastMode = false, raiseException = true } = options;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || x.dtype !== 'float64') {
      throw new DTypeError(
        `gradcheck: input ${i} is ${x instanceof Tensor ? x.dtype : typeof x}; finite differences need float64 (use cast(x, 'float64'))`,
      );
    }
  });
  const generator = options.generator ?? new Generator(0);
  const sizes = noGrad(() => outputs(f(...inputs))).map((o) => o.size);
  const flat = (...xs: Tensor[]) => flatten(outputs(f(...xs)));
  const tape = fastMode ? [] : analyticalJacobians(flat, inputs);
  for (let i = 0; i < inputs.length; i++) {
    const [numerical, analytical] = fastMode
      ? projected(flat, inputs, i, sizes, eps, generator)
      : [numericalJacobian(flat, inputs, i, eps), tape[i]!];
    let row = 0;
    for (let o = 0; o < sizes.length; o++) {
      const rows = fastMode ? 1 : sizes[o]!;
      const mismatch = firstMismatch(numerical, analytical, row, rows, atol, rtol);
      if (mismatch !== null) {
        if (!raiseException) return false;
        throw new GradcheckError(o, i, rowsOf(numerical, row, rows), rowsOf(analytical, row, rows), mismatch);
      }
      row += rows;
    }
  }
  return true;
}

/**
 * Checks second derivatives: runs {@link gradcheck} on the function (inputs, gradOutputs) ↦ vjp of `f`,
 * as PyTorch's `gradgradcheck`. Passing it means grad-of-grad through `f` is right.
 *
 * @example
 * ```ts
 * gradgradcheck((x) => sigmoid(x), [randn([3], f64)]);
 * ```
 */
export function gradgradcheck(f: CheckedFunction, inputs: readonly Tensor[], options: GradgradcheckOptions = {}): boolean {
  const generator = options.generator ?? new Generator(0);
  const outs = noGrad(() => outputs(f(...inputs)));
  const gradOutputs = options.gradOutputs ?? outs.map((o) => randn([...o.shape], { dtype: 'float64', generator }));
  const n = inputs.length;
  const firstOrder = (...all: Tensor[]): Tensor[] => {
    const [, pullback] = vjp((...xs: Tensor[]) => flatten(outputs(f(...xs))), ...all.slice(0, n));
    return pullback(flatten(all.slice(n)));
  };
  return gradcheck(firstOrder, [...inputs, ...gradOutputs], { ...options, generator });
}

function outputs(result: Tensor | Tensor[]): Tensor[] {
  return result instanceof Tensor ? [result] : result;
}

/** All outputs as one flat vector, so one vjp per row covers every output. */
function flatten(outs: readonly Tensor[]): Tensor {
  const flat = outs.map((o) => reshape(o, [o.size]));
  return flat.length === 1 ? flat[0]! : concat(flat);
}

function perturbed(inputs: readonly Tensor[], i: number, shift: (data: Float64Array) => void): Tensor[] {
  return inputs.map((x, j) => {
    if (j !== i) return x;
    const data = x.data.slice() as Float64Array;
    shift(data);
    return constant(data, x.shape);
  });
}

/** Central differences, one column per input element: [total output size, input size], row-major. */
function numericalJacobian(flat: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], i: number, eps: number): Float64Array[] {
  const x = inputs[i]!;
  const columns = Array.from({ length: x.size }, (_, e) => {
    const plus = noGrad(() => flat(...perturbed(inputs, i, (d) => (d[e] = d[e]! + eps)))).data;
    const minus = noGrad(() => flat(...perturbed(inputs, i, (d) => (d[e] = d[e]! - eps)))).data;
    return plus.map((p, r) => (p - minus[r]!) / (2 * eps));
  });
  const total = noGrad(() => flat(...inputs)).size;
  return Array.from({ length: total }, (_, r) => Float64Array.from(columns, (c) => c[r]!));
}

/** One vjp per output element serves every input: per input, [total output size, input size]. */
function analyticalJacobians(flat: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[]): Float64Array[][] {
  const [out, pullback] = vjp(flat, ...inputs);
  const rows = Array.from({ length: out.size }, (_, r) => {
    const unit = alloc('float64', out.size);
    unit[r] = 1;
    return pullback(constant(unit, out.shape));
  });
  return inputs.map((_, i) => rows.map((grads) => Float64Array.from(grads[i]!.data)));
}

/** Fast mode: for each output, the scalars vᵀ(J u) by differences and (vᵀJ)·u by one vjp, as 1×1 Jacobians. */
function projected(
  flat: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  i: number,
  sizes: number[],
  eps: number,
  g: Generator,
): [Float64Array[], Float64Array[]] {
  const x = inputs[i]!;
  const u = randn([x.size], { dtype: 'float64', generator: g }).data;
  const plus = noGrad(() => flat(...perturbed(inputs, i, (d) => d.forEach((v, e) => (d[e] = v + eps * u[e]!))))).data;
  const minus = noGrad(() => flat(...perturbed(inputs, i, (d) => d.forEach((v, e) => (d[e] = v - eps * u[e]!))))).data;
  const [out, pullback] = vjp(flat, ...inputs);
  const numerical: Float64Array[] = [];
  const analytical: Float64Array[] = [];
  let start = 0;
  for (const size of sizes) {
    const v = alloc('float64', out.size);
    const draws = randn([size], { dtype: 'float64', generator: g }).data;
    v.set(draws, start);
    let n = 0;
    for (let r = start; r < start + size; r++) n += v[r]! * ((plus[r]! - minus[r]!) / (2 * eps));
    const vJ = pullback(constant(v, out.shape))[i]!.data;
    let a = 0;
    for (let e = 0; e < vJ.length; e++) a += vJ[e]! * u[e]!;
    analytical.push(Float64Array.of(a));
    numerical.push(Float64Array.of(n));
    start += size;
  }
  return [numerical, analytical];
}

function firstMismatch(
  numerical: Float64Array[],
  analytical: Float64Array[],
  from: number,
  rows: number,
  atol: number,
  rtol: number,
): string | null {
  for (let r = from; r < from + rows; r++) {
    const nRow = numerical[r]!;
    const aRow = analytical[r]!;
    for (let c = 0; c < nRow.length; c++) {
      const n = nRow[c]!;
      const a = aRow[c]!;
      if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
        return `entry [${r - from}, ${c}] is ${a} by the tape but ${n} by finite differences (allowed ${atol} + ${rtol}·|numerical|)`;
      }
    }
  }
  return null;
}

function rowsOf(matrix: Float64Array[], from: number, rows: number): Tensor {
  const width = matrix[0]?.length ?? 0;
  const data = alloc('float64', rows * width) as Float64Array;
  for (let r = 0; r < rows; r++) data.set(matrix[from + r]!, r * width);
  return constant(data, [rows, width]);
}

function formatMatrix(t: Tensor): string {
  const [rows = 0, cols = 0] = t.shape;
  const lines = Array.from(
    { length: Math.min(rows, 20) },
    (_, r) =>
      '  ' +
      Array.from({ length: Math.min(cols, 12) }, (_, c) => t.data[r * cols + c]!.toPrecision(6).padStart(12)).join(' ') +
      (cols > 12 ? ' …' : ''),
  );
  return lines.join('\n') + (rows > 20 ? `\n  … (${rows} rows)` : '');
}
