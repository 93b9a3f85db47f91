import type { Shape } from '@loom/ops';
import type { Tensor } from '../tensor.js';

/**
 * A gradient that is zero everywhere except in a box: `grad` placed at `start` inside a zero tensor of `shape`.
 * `slice`'s backward returns one instead of padding its gradient to full size, so that T per-step slices of a
 * [T, …] sequence cost O(T) in backward, not O(T²) full-size zero tensors. The tape adds it in place when it
 * can, and turns it into `pad(grad, …)` when the backward pass is itself recorded.
 */
export class Placement {
  /** Places `grad` at `start` inside zeros of `shape`. */
  constructor(
    /** The nonzero part. */
    readonly grad: Tensor,
    /** Where the box begins, per axis. */
    readonly start: readonly number[],
    /** The full gradient's shape (the sliced input's shape). */
    readonly shape: Shape,
  ) {}
}
