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

/** {@link cutAxis} of a box that is whole on every axis. */
export const WHOLE = -1;
/** {@link cutAxis} of a box cut on more than one axis. */
export const SEVERAL = -2;

/** The one axis on which `p`'s box is not whole (its extent there is a slice), or {@link WHOLE} / {@link SEVERAL}. */
export function cutAxis(p: Placement): number {
  let axis = WHOLE;
  for (let i = 0; i < p.shape.length; i++) {
    if (p.start[i] === 0 && p.grad.shape[i] === p.shape[i]) continue;
    if (axis !== WHOLE) return SEVERAL;
    axis = i;
  }
  return axis;
}

/**
 * The boxes placed so far into one gradient buffer that began as zeros, to tell whether a new box overlaps any of
 * them (then it must be added, not copied). While every box is whole on all axes but one, as the T steps of a
 * sequence or the pieces of a split are, their extents on that axis are kept sorted and a check is a binary search:
 * a linear scan would make T placements cost O(T²) comparisons. Other boxes fall back to the scan.
 */
export class PlacedBoxes {
  private readonly boxes: Placement[] = [];
  /** The shared axis while there is one; −2 before the first box, −1 once boxes are cut on different axes. */
  private axis = -2;
  private readonly begins: number[] = [];
  private readonly ends: number[] = [];

  /** Records `p` and returns true if it overlaps none of the boxes so far; returns false (recording nothing) if it does. */
  tryAdd(p: Placement): boolean {
    const cut = cutAxis(p);
    // A whole box spans the shared axis too (any axis, while there is none yet); a scalar box has no axis at all.
    const axis = cut === WHOLE && p.shape.length > 0 ? Math.max(this.axis, 0) : cut;
    if (this.axis === -2 && axis >= 0) this.axis = axis;
    if (this.axis >= 0 && axis === this.axis) {
      const begin = p.start[axis]!;
      const end = begin + p.grad.shape[axis]!;
      if (end > begin) {
        let lo = 0;
        let hi = this.begins.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.begins[mid]! < begin) lo = mid + 1;
          else hi = mid;
        }
        if ((lo > 0 && this.ends[lo - 1]! > begin) || (lo < this.begins.length && this.begins[lo]! < end)) return false;
        this.begins.splice(lo, 0, begin);
        this.ends.splice(lo, 0, end);
      }
      this.boxes.push(p);
      return true;
    }
    this.axis = -1;
    if (this.boxes.some((q) => overlaps(p, q))) return false;
    this.boxes.push(p);
    return true;
  }
}

/** Whether two boxes in one buffer share an element. */
export function overlaps(p: Placement, q: Placement): boolean {
  for (let i = 0; i < p.start.length; i++) {
    const [ps, qs] = [p.start[i]!, q.start[i]!];
    if (!(ps < qs + q.grad.shape[i]! && qs < ps + p.grad.shape[i]!)) return false;
  }
  return true;
}
