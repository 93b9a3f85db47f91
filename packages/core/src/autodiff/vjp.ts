import { vertexOf } from './node.js';
import { fmtShape, GradError } from '../errors.js';
import { zerosLike } from '../creation.js';
import { sameShape } from '../convert.js';
import { Tensor } from '../tensor.js';
import { propagate } from './backward.js';
import { nestedInTrace, traced } from './mode.js';
import { stopGradient } from './stop-gradient.js';
import { watch } from './watch.js';

/**
 * Runs `f` at `primals` and returns its output with a function that maps an output cotangent to the
 * cotangents of every primal (the vector–Jacobian product uᵀJ). The pullback can be called many times.
 *
 * @example
 * ```ts
 * const [y, pullback] = vjp((x: Tensor) => mul(x, 3), tensor([1, 2]));
 * pullback(tensor([1, 1])); // [[3, 3]]
 * ```
 */
export function vjp(f: (...primals: Tensor[]) => Tensor, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  primals.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new GradError(`vjp: primal ${i} must be a Tensor, got ${typeof p}`);
  });
  const inputs = primals.map(watch);
  const out = traced(() => f(...inputs));
  if (!(out instanceof Tensor)) throw new GradError(`vjp: the function must return a Tensor, got ${typeof out}`);
  const pullback = (cotangent: Tensor): Tensor[] => {
    if (!(cotangent instanceof Tensor) || !sameShape(cotangent.shape, out.shape) || cotangent.dtype !== out.dtype) {
      const got = cotangent instanceof Tensor ? `${cotangent.dtype} ${fmtShape(cotangent.shape)}` : typeof cotangent;
      throw new GradError(`vjp: the cotangent must be ${out.dtype} ${fmtShape(out.shape)} like the output, got ${got}`);
    }
    const grads = propagate([out], [cotangent], inputs, nestedInTrace());
    return inputs.map((t) => grads.get(vertexOf(t)) ?? zerosLike(t));
  };
  return [out, pullback];
}

/**
 * Forward-mode product: `f`'s output and its directional derivative J·t along `tangents` (one per primal).
 * Computed as the transpose of a vjp (the pullback is linear in its cotangent), so it works wherever grad does.
 *
 * @example
 * ```ts
 * jvp((x: Tensor) => sin(x), [tensor(0)], [tensor(1)]); // [sin 0, cos 0 · 1]
 * ```
 */
export function jvp(f: (...primals: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (tangents.length !== primals.length) {
    throw new GradError(`jvp: got ${primals.length} primals but ${tangents.length} tangents`);
  }
  tangents.forEach((t, i) => {
    const p = primals[i]!;
    if (!(t instanceof Tensor) || !sameShape(t.shape, p.shape) || t.dtype !== p.dtype) {
      throw new GradError(`jvp: tangent ${i} must be ${p.dtype} ${fmtShape(p.shape)} like its primal`);
    }
  });
  const record = nestedInTrace();
  return traced(() => {
    const [out, pullback] = vjp(f, ...primals);
    const u = watch(zerosLike(out));
    const cotangents = pullback(u);
    const tangentOut = propagate(cotangents, [...tangents], [u], record).get(vertexOf(u)) ?? zerosLike(out);
    return record ? [out, tangentOut] : [stopGradient(out), tangentOut];
  });
}
