import { GradError } from '../errors.js';
import { alloc, constant } from '../convert.js';
import { reshape } from '../ops/shape/reshape.js';
import { stack } from '../ops/composite/stack.js';
import { Tensor } from '../tensor.js';
import { grad } from './grad.js';
import { traced } from './mode.js';
import { vjp } from './vjp.js';

/**
 * Returns a function computing the Jacobian of `f` with respect to argument `argnum` (the first by default):
 * a tensor of shape `[...output.shape, ...input.shape]`, built one row (one vjp) per output element.
 *
 * @example
 * ```ts
 * jacobian((x: Tensor) => mul(x, x))(tensor([1, 2])); // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian<A extends Tensor[]>(f: (...args: A) => Tensor, argnum = 0): (...args: A) => Tensor {
  return (...args: A) => {
    const x = args[argnum];
    if (!(x instanceof Tensor)) throw new GradError(`jacobian: argument ${argnum} must be a Tensor`);
    return traced(() => {
      const [out, pullback] = vjp((xi: Tensor) => f(...(args.map((a, i) => (i === argnum ? xi : a)) as A)), x);
      const rows = Array.from({ length: out.size }, (_, i) => {
        const unit = alloc(out.dtype, out.size);
        unit[i] = 1;
        return pullback(constant(unit, out.shape))[0]!;
      });
      if (rows.length === 0) return constant(alloc(x.dtype, 0), [...out.shape, ...x.shape]);
      return reshape(stack(rows), [...out.shape, ...x.shape]);
    });
  };
}

/**
 * Returns a function computing the Hessian of scalar-valued `f` with respect to argument `argnum`:
 * the Jacobian of the gradient, of shape `[...input.shape, ...input.shape]`.
 *
 * @example
 * ```ts
 * hessian((x: Tensor) => sum(mul(x, mul(x, x))))(tensor([1, 2])); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian<A extends Tensor[]>(f: (...args: A) => Tensor, argnum = 0): (...args: A) => Tensor {
  return jacobian(grad(f, argnum) as (...args: A) => Tensor, argnum);
}
