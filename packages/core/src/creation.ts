import type { DType, Shape } from '@loom/ops';
import { sizeOf } from '@loom/ops';
import { alloc, checkDType, checkShape, constant, maxElements } from './convert.js';
import { ShapeError, ValueError, fmtShape } from './errors.js';
import { Generator, defaultGenerator } from './random.js';
import type { NestedArray, Tensor } from './tensor.js';

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; float32 when absent. */
  readonly dtype?: DType;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreateOptions {
  /** Shape for flat input; the flat length must equal its size. Nested input takes its shape from the nesting. */
  readonly shape?: readonly number[];
  /** Make the result a leaf that requires gradients. */
  readonly requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Where the randomness comes from; the global generator (see `seed`) when absent. */
  readonly generator?: Generator;
}

/**
 * Makes a tensor from a number, nested arrays, or a flat array-like with `shape`. The values are copied.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);                                  // float32 [2,2]
 * tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'float64' });  // the same values in float64
 * ```
 */
export function tensor(values: NestedArray | ArrayLike<number>, options: TensorOptions = {}): Tensor {
  const dtype = checkDType('tensor', options.dtype);
  if (typeof values !== 'number' && !isArrayLike(values)) {
    throw new ValueError(
      `tensor: values must be a number, a nested array or a typed array, got ${values === null ? 'null' : typeof values}`,
    );
  }
  const flat: number[] = [];
  const nestedShape = typeof values === 'number' ? [] : flatten(values as NestedArray | ArrayLike<number>, flat);
  let shape: Shape = nestedShape;
  if (options.shape !== undefined) {
    shape = checkShape('tensor', options.shape);
    if (sizeOf(shape) !== flat.length + (typeof values === 'number' ? 1 : 0)) {
      throw new ShapeError(
        `tensor: ${typeof values === 'number' ? 1 : flat.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
  }
  if (typeof values === 'number') flat.push(values);
  const data = alloc(dtype, flat.length);
  data.set(flat);
  const t = constant(data, shape);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A tensor of zeros. @example `zeros([2, 3])` */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. @example `ones([3], { dtype: 'float64' })` */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor with every element equal to `value`. @example `full([2, 2], 0.5)` */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const data = alloc(checkDType(op, options.dtype), sizeOf(checkShape(op, shape)));
  if (value !== 0) data.fill(value);
  return constant(data, shape);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, { dtype: x.dtype });
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, { dtype: x.dtype });
}

/**
 * Evenly spaced values in [start, stop) with `step`, as a 1-D tensor. With one number, it is `stop` and start is 0.
 *
 * @example
 * ```ts
 * arange(4);          // [0, 1, 2, 3]
 * arange(1, 2, 0.25); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step) || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw new ValueError(`arange: start ${from}, stop ${to} and step ${step} must be finite, with step ≠ 0`);
  }
  const n = Math.max(0, Math.ceil((to - from) / step));
  if (n > maxElements)
    throw new ValueError(`arange: start ${from}, stop ${to} and step ${step} would make ${n} elements (limit ${maxElements})`);
  const data = alloc(checkDType('arange', options.dtype), n);
  for (let i = 0; i < n; i++) data[i] = from + i * step;
  return constant(data, [n]);
}

/** An n×m matrix with ones on the diagonal (m = n when absent). @example `eye(3)` */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const data = alloc(checkDType('eye', options.dtype), n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return constant(data, [n, m]);
}

/** Uniform random values in [0, 1). @example `rand([2, 3], { generator: new Generator(1) })` */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  // A double just below 1 rounds up to exactly 1 in float32; keep the promise of [0, 1) there too.
  const below1 = options.dtype === 'float32' || options.dtype === undefined ? 1 - 2 ** -24 : 1;
  return fillRandom('rand', shape, options, (g) => Math.min(g.uniform(), below1));
}

/** Standard normal random values. @example `randn([4], { dtype: 'float64' })` */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return fillRandom('randn', shape, options, (g) => g.normal());
}

/** Uniform random integers in [low, high), stored as floats. @example `randint(0, 10, [5])` */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
    throw new ValueError(`randint: needs integers low < high, got low ${low} and high ${high}`);
  }
  const exact = options.dtype === 'float64' ? 2 ** 53 : 2 ** 24;
  if (Math.max(Math.abs(low), Math.abs(high)) > exact) {
    throw new ValueError(
      `randint: [${low}, ${high}) holds integers that ${options.dtype ?? 'float32'} cannot represent exactly (limit ±${exact})`,
    );
  }
  return fillRandom('randint', shape, options, (g) => g.int(low, high));
}

function fillRandom(op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator) => number): Tensor {
  const data = alloc(checkDType(op, options.dtype), sizeOf(checkShape(op, shape)));
  const g = options.generator ?? defaultGenerator();
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return constant(data, shape);
}

/** Appends the numbers of a nested array to `out` and returns its shape, rejecting ragged nesting. */
function flatten(values: NestedArray | ArrayLike<number>, out: number[]): number[] {
  if (typeof values === 'number') {
    out.push(values);
    return [];
  }
  const n = values.length;
  if (n === 0) return [0];
  let inner: number[] | undefined;
  for (let i = 0; i < n; i++) {
    const item = (values as ArrayLike<NestedArray>)[i]!;
    if (typeof item !== 'number' && !isArrayLike(item)) {
      throw new ValueError(`tensor: element at index ${i} is ${typeof item}, not a number or array`);
    }
    const shape = flatten(item, out);
    if (inner === undefined) inner = shape;
    else if (fmtShape(shape) !== fmtShape(inner)) {
      throw new ShapeError(`tensor: ragged nested array: item 0 has shape ${fmtShape(inner)} but item ${i} has shape ${fmtShape(shape)}`);
    }
  }
  return [n, ...(inner ?? [])];
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}
