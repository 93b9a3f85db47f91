/**
 * Base class of every error loom throws on purpose. Catch this to tell loom's own complaints about bad input
 * apart from bugs.
 */
export class LoomError extends Error {
  /** Always `'LoomError'`, so logs show the class. */
  override name = 'LoomError';
}

/** Shapes that do not fit an op: wrong rank, an axis out of range, sizes that do not broadcast, inner dims that differ. */
export class ShapeError extends LoomError {
  /** Always `'ShapeError'`, so logs show the class. */
  override name = 'ShapeError';
}

/** Tensors of different dtypes met in one op, or a dtype that the op does not take. */
export class DTypeError extends LoomError {
  /** Always `'DTypeError'`, so logs show the class. */
  override name = 'DTypeError';
}

/** A bad value that is not a shape or dtype problem: an index out of range, a step of 0, a bad seed. */
export class ValueError extends LoomError {
  /** Always `'ValueError'`, so logs show the class. */
  override name = 'ValueError';
}

/** A gradient request that cannot be met, e.g. `grad` of a function whose result is not a scalar. */
export class GradError extends LoomError {
  /** Always `'GradError'`, so logs show the class. */
  override name = 'GradError';
}

/** Formats a shape the way messages print it: `[2,3]`, and `[]` for a scalar. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
