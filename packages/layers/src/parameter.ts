import { DTypeError, ShapeError, Tensor } from '@loom/core';

/**
 * A trainable tensor: a leaf that requires gradients, owned by a {@link Module}. Use it wherever a Tensor goes.
 *
 * Optimizers change its values in place with {@link Parameter.assign}, between steps and under `noGrad`; every
 * other tensor in loom is immutable.
 *
 * @example
 * ```ts
 * const w = new Parameter(randn([3, 4]));
 * w.requiresGrad; // true
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps a copy of `value`'s elements as a new parameter (no history is kept). */
  constructor(value: Tensor) {
    super(value.data.slice(), value.shape, null, true);
  }

  /**
   * Replaces the values with `value`'s (same shape and dtype). Tapes recorded before keep the values they saw
   * only if those were copied, so assign between steps, not in the middle of one.
   */
  assign(next: Tensor): void {
    const what = `Parameter.assign: value is ${next.dtype} [${next.shape.join(',')}] but the parameter is ${this.dtype} [${this.shape.join(',')}]`;
    if (next.dtype !== this.dtype) throw new DTypeError(what);
    if (next.rank !== this.rank || next.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(what);
    }
    // Copied: the new values may share storage with tensors that must not change (reshape shares data).
    this.data = next.data.slice();
  }
}
