import type { Primitive } from '../define.js';
import { Tensor } from '../tensor.js';
import { isGradEnabled } from './mode.js';

/** The tape record of a watched input: gradients pass straight through to the tensor it aliases. */
const alias: Primitive<undefined> = { name: 'input', backward: (gy) => [gy], keepsNothing: true };

/**
 * A fresh tensor to differentiate against that shares `x`'s data. When `x` is itself on an enclosing transform's
 * tape, the alias links to it, so an outer `grad` can see through an inner one; the inner sweep stops at the
 * alias and so treats everything else of the outer tape as constant.
 */
export function watch(x: Tensor): Tensor {
  const linked = x.requiresGrad && isGradEnabled();
  return new Tensor(x.data, x.shape, linked ? { prim: alias, inputs: [x], attrs: undefined, out: null } : null, true);
}
