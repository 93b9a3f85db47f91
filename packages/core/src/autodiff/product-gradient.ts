import type { Shape } from '@loom/ops';
import type { Tensor } from '../tensor.js';

/**
 * A gradient that is the product `leftᵀ · right` of two rank-2 tensors with the same number of rows, not yet
 * computed. `matmul`'s backward returns one for a weight matrix: a weight used at every time step then gets
 * Σₜ leftₜᵀ · rightₜ, which the tape evaluates as one product over the stacked rows, instead of T products
 * and T weight-sized temporaries. A recorded backward pass computes it at once, as `matmul`.
 */
export class ProductGradient {
  /** The gradient's shape: `[left columns, right columns]`. */
  readonly shape: Shape;

  /** The gradient `leftᵀ · right`; `left` is [rows, p] and `right` is [rows, q]. */
  constructor(
    /** The transposed factor, [rows, p]. */
    readonly left: Tensor,
    /** The other factor, [rows, q]. */
    readonly right: Tensor,
  ) {
    this.shape = Object.freeze([left.shape[1]!, right.shape[1]!]);
  }
}
