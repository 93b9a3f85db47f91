import { GradError } from '../errors.js';
import type { Primitive } from '../define.js';
import { Tensor } from '../tensor.js';
import { isGradEnabled } from './mode.js';

/** What a `customGrad` function returns: its value and the rule mapping the value's gradient to the inputs'. */
export interface CustomGradResult {
  /** The function's output. */
  readonly value: Tensor;
  /** Gradients of the inputs given the output's gradient `gy`: one Tensor (for one input) or one per input. */
  readonly grad: (gy: Tensor) => Tensor | readonly Tensor[];
}

/** The shared tape record of every customGrad call; each node's attrs hold that call's rule. */
const custom: Primitive<CustomGradResult['grad']> = {
  name: 'customGrad',
  keepsNothing: false, // the user's rule may keep gy or its results
  backward: (gy, { attrs: rule, inputs }) => {
    const grads = rule(gy);
    const list = grads instanceof Tensor ? [grads] : [...grads];
    if (list.length !== inputs.length) {
      throw new GradError(`customGrad: the grad rule returned ${list.length} gradients for ${inputs.length} inputs`);
    }
    return list;
  },
};

/**
 * Wraps `f` with a user-defined backward rule, as TF.js's `customGrad`: `f(...inputs)` returns
 * `{ value, grad: (gy) => gradients }`. The tape records one node whose backward is your rule. Write the rule
 * with loom ops (and let it use tensors computed in `f`) and it can itself be differentiated.
 *
 * @example
 * ```ts
 * // Gradient clipping in the backward pass only:
 * const clipGrad = customGrad((x: Tensor) => ({ value: x, grad: (gy) => clamp(gy, -1, 1) }));
 * ```
 */
export function customGrad<A extends Tensor[]>(f: (...inputs: A) => CustomGradResult): (...inputs: A) => Tensor {
  return (...inputs: A) => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new GradError(`customGrad: input ${i} must be a Tensor, got ${typeof x}`);
    });
    const { value, grad } = f(...inputs);
    if (!(value instanceof Tensor))
      throw new GradError(`customGrad: the function must return { value: Tensor, grad }, got value ${typeof value}`);
    const record = isGradEnabled() && inputs.some((x) => x.requiresGrad);
    return new Tensor(value.data, value.shape, record ? { prim: custom, inputs, attrs: grad, out: null } : null);
  };
}
