import type { DType, FloatArray, Shape } from '@loom/ops';
import { broadcastShapes } from '@loom/ops';
import { alloc } from './memory.js';
import { DTypeError, ShapeError, fmtShape } from './errors.js';
import { Tensor } from './tensor.js';

/** Anything an op takes where it wants a tensor: a Tensor, or a plain number (a scalar of the other inputs' dtype). */
export type TensorLike = Tensor | number;

/** The dtype used when nothing else decides: float32, as in PyTorch and TF.js. */
export const defaultDType: DType = 'float32';

export { alloc } from './memory.js';

/** A tensor that wraps `data` (not copied) with `shape`, no history, not requiring gradients. */
export function constant(data: FloatArray, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

/** A scalar constant of `dtype`. */
export function scalar(value: number, dtype: DType): Tensor {
  const data = alloc(dtype, 1);
  data[0] = value;
  return constant(data, []);
}

/**
 * Turns an op's tensor arguments into Tensors of one dtype. Numbers become scalars of the tensors' dtype; two
 * tensors of different dtypes are an error, because a silent cast would hide a float32/float64 mix-up.
 */
export function toTensors(op: string, names: readonly string[], values: readonly TensorLike[]): Tensor[] {
  // Every op call passes through here, so the common case (all Tensors of one dtype) is one loop with no closures.
  let dtype: DType | undefined;
  let owner = '';
  let numbers = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Tensor) {
      if (dtype !== undefined && v.dtype !== dtype) {
        throw new DTypeError(`${op}: '${owner}' is ${dtype} but '${names[i]}' is ${v.dtype}; cast one with cast(x, '${dtype}')`);
      }
      dtype = v.dtype;
      owner = names[i] ?? `input ${i}`;
    } else if (typeof v === 'number') {
      numbers = true;
    } else {
      throw new DTypeError(`${op}: '${names[i]}' must be a Tensor or a number, got ${describe(v)}`);
    }
  }
  if (!numbers) return values.slice() as Tensor[]; // a copy: callers may pass (and later change) their own array
  return values.map((v) => (v instanceof Tensor ? v : scalar(v, dtype ?? defaultDType)));
}

/** The shape that `shapes` broadcast to, or a ShapeError naming the op and each argument's shape. */
export function broadcastAll(op: string, names: readonly string[], shapes: readonly Shape[]): Shape {
  // The common case, equal shapes, needs no broadcasting at all.
  let same = true;
  for (let i = 1; i < shapes.length && same; i++) same = sameShape(shapes[i]!, shapes[0]!);
  if (same && shapes.length > 0) return shapes[0]!;
  let out: Shape = [];
  for (const shape of shapes) {
    const next = broadcastShapes(out, shape);
    if (next === null) {
      const list = shapes.map((s, i) => `${names[i]} ${fmtShape(s)}`).join(', ');
      throw new ShapeError(`${op}: shapes do not broadcast: ${list}`);
    }
    out = next;
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const valid = rank === 0 ? 'a scalar has no axes' : `valid: ${-rank}…${rank - 1}`;
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (${valid})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** The most elements one tensor may hold: the largest typed array V8 allocates. */
export const maxElements = 2 ** 32 - 1;

/** Checks a user-given shape: an array of non-negative integers whose product a typed array can hold. */
export function checkShape(op: string, shape: readonly number[]): Shape {
  if (!Array.isArray(shape)) {
    throw new ShapeError(
      `${op}: shape must be an array of sizes, got ${typeof shape === 'object' && shape !== null ? typeof shape : String(shape)}`,
    );
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} has a size that is not a non-negative integer (${d})`);
    }
  }
  const size = shape.reduce((n, d) => n * d, 1);
  if (size > maxElements)
    throw new ShapeError(`${op}: shape ${fmtShape(shape)} has ${size} elements, more than a tensor can hold (${maxElements})`);
  return shape;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array (wrap it with tensor(...))';
  return v === null ? 'null' : typeof v;
}

/** Whether two shapes are equal axis by axis. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true; // shapes are frozen and passed on, so identity is the usual answer
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The dtype an option asks for, float32 when absent, or a DTypeError naming the op. */
export function checkDType(op: string, dtype: DType | undefined): DType {
  if (dtype === undefined) return defaultDType;
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${op}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}
