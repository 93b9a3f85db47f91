import type { Primitive } from '../define.js';
import type { Tensor } from '../tensor.js';

/**
 * One tape record: the primitive that made a tensor, the tensors it read, and its non-tensor arguments.
 *
 * Only what the backward rule reads stays alive (the primitive's `saves`): an input it does not read is held as a
 * stand-in (a stub) with the input's shape, dtype and node but no elements, and `out` is kept only when the rule
 * reads it. So an intermediate that no rule reads (a gate's pre-activation, a slice) is freed after the forward
 * pass instead of living until the backward.
 */
export interface Node {
  readonly prim: Primitive<any>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  /** The output, when the backward rule reads it (else null); set once, right after the output is made. */
  out: Tensor | null;
}

/**
 * The tape's identity for a tensor: its node, or the tensor itself for a leaf. A tensor and the stubs standing in
 * for it share their node, so gradients meet in one sum whichever of them a record holds.
 */
export type Vertex = Node | Tensor;

/** See {@link Vertex}. */
export const vertexOf = (t: Tensor): Vertex => t.node ?? t;
