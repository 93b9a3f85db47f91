import { relu, sigmoid, tanh, type Tensor } from '@loom/core';

/** A cell's elementwise nonlinearity: a name, or any function of a tensor built from `@loom/core` ops. */
export type CellActivation = 'tanh' | 'sigmoid' | 'relu' | 'identity' | ((x: Tensor) => Tensor);

/** The function a {@link CellActivation} names. */
export function activationFn(activation: CellActivation): (x: Tensor) => Tensor {
  if (typeof activation === 'function') return activation;
  return { tanh, sigmoid, relu, identity: (x: Tensor) => x }[activation];
}
