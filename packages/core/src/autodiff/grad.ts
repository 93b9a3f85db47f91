import { vertexOf } from './node.js';
import { fmtShape, GradError } from '../errors.js';
import { onesLike, zerosLike } from '../creation.js';
import { Tensor } from '../tensor.js';
import { propagate } from './backward.js';
import { nestedInTrace, traced } from './mode.js';
import { stopGradient } from './stop-gradient.js';
import { watch } from './watch.js';

/** Which positional arguments to differentiate: one index, or several (then gradients come back as an array). */
export type ArgNums = number | readonly number[];

/** The gradient for one argnum is a Tensor; for a list of argnums, an array of them. */
export type Grads<N extends ArgNums> = N extends number ? Tensor : Tensor[];

/**
 * Returns a function that computes `f`'s value and its gradient with respect to the arguments at `argnums`
 * (the first by default). `f` must return a one-element tensor.
 *
 * @example
 * ```ts
 * const [loss, dw] = valueAndGrad((w: Tensor) => sum(square(w)))(tensor([1, 2]));
 * ```
 */
export function valueAndGrad<A extends unknown[], N extends ArgNums = 0>(
  f: (...args: A) => Tensor,
  argnums?: N,
): (...args: A) => [Tensor, Grads<N>] {
  const nums = argnums ?? 0;
  const list: number[] = typeof nums === 'number' ? [nums] : [...(nums as readonly number[])];
  return (...args: A) => {
    const record = nestedInTrace();
    return traced(() => {
      const inputs = [...args] as A;
      for (const i of list) {
        const a = args[i];
        if (!(a instanceof Tensor)) {
          throw new GradError(`grad: argument ${i} must be a Tensor to be differentiated, got ${a === undefined ? 'nothing' : typeof a}`);
        }
        inputs[i] = watch(a);
      }
      const value = f(...inputs);
      if (!(value instanceof Tensor) || value.size !== 1) {
        const what = value instanceof Tensor ? `a tensor of shape ${fmtShape(value.shape)}` : typeof value;
        throw new GradError(`grad: the function must return a one-element tensor, got ${what} (use vjp or jacobian for other outputs)`);
      }
      const targets = list.map((i) => inputs[i] as Tensor);
      const grads = propagate([value], [onesLike(value)], targets, record);
      const result = targets.map((t) => grads.get(vertexOf(t)) ?? zerosLike(t));
      // Outside any transform nobody differentiates the value again, and its history would keep the whole tape alive.
      return [record ? value : stopGradient(value), (typeof nums === 'number' ? result[0] : result) as Grads<N>];
    });
  };
}

/**
 * Returns a function that computes the gradient of scalar-valued `f` with respect to the arguments at `argnums`
 * (the first by default), JAX-style. Nest it for higher orders: `grad(grad(f))`.
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => sum(mul(x, mul(x, x)));
 * grad(f)(tensor(2));        // 12  (3x²)
 * grad(grad(f))(tensor(2));  // 12  (6x)
 * ```
 */
export function grad<A extends unknown[], N extends ArgNums = 0>(f: (...args: A) => Tensor, argnums?: N): (...args: A) => Grads<N> {
  const both = valueAndGrad<A, N>(f, argnums);
  return (...args: A) => both(...args)[1];
}
