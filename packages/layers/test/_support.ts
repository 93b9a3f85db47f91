import { Generator, randn, stopGradient, type Tensor } from '@loom/core';
import { gradcheck } from '@loom/core/testing';
import { functionalCall, type Module } from '@loom/layers';

/** float64 creation options. */
export const f64 = { dtype: 'float64' } as const;
/** float64 options with an explicit generator of `seed`. */
export const opts = (seed: number) => ({ ...f64, generator: new Generator(seed) });
/** A float64 standard-normal tensor from `seed`. */
export const rand = (shape: number[], seed: number) => randn(shape, opts(seed));

/** gradcheck of `f(inputs…)` with respect to `inputs` and every parameter of `module`. */
export function checkModule(module: Module, inputs: Tensor[], f: (...inputs: Tensor[]) => Tensor | Tensor[]): boolean {
  const params = module.parameters().map((p) => stopGradient(p));
  const n = inputs.length;
  return gradcheck((...all) => functionalCall(module, all.slice(n), () => f(...all.slice(0, n))), [...inputs, ...params]);
}
