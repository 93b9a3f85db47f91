import { Tensor } from '../tensor.js';

/**
 * The same values as `x`, cut off from the tape: no gradient flows through the result (JAX's `stop_gradient`,
 * PyTorch's `detach`). The data is shared, not copied.
 *
 * @example
 * ```ts
 * grad((x) => mul(x, stopGradient(x)))(tensor(3)); // 3, not 6
 * ```
 */
export function stopGradient(x: Tensor): Tensor {
  return new Tensor(x.data, x.shape);
}
