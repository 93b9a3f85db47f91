import type { Primitive } from '../define.js';
import type { Tensor } from '../tensor.js';

/** One tape record: the primitive that made a tensor, the tensors it read, and its non-tensor arguments. */
export interface Node {
  readonly prim: Primitive<any>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
}
