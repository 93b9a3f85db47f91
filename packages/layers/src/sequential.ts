import type { Tensor } from '@loom/core';
import { Module } from './module.js';

/** A module with a one-tensor `forward`, as {@link Sequential} chains them. */
export interface Layer extends Module {
  /** Maps one tensor to one tensor. */
  forward(x: Tensor): Tensor;
}

/**
 * Applies layers in order, each to the previous one's output. Its parameters are named `layers.0.weight`, ….
 *
 * @example
 * ```ts
 * const mlp = new Sequential(new Linear(4, 8), new Activation(tanh), new Linear(8, 2));
 * mlp.forward(x);
 * ```
 */
export class Sequential extends Module implements Layer {
  /** The layers, in order. */
  readonly layers: Layer[];

  /** Chains `layers`. */
  constructor(...layers: Layer[]) {
    super();
    this.layers = layers;
  }

  /** Runs every layer in turn. */
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/**
 * A parameter-free layer wrapping an elementwise function such as `tanh` or `relu`, for use in {@link Sequential}.
 *
 * @example
 * ```ts
 * new Activation(relu).forward(tensor([-1, 2])); // [0, 2]
 * ```
 */
export class Activation extends Module implements Layer {
  /** Wraps `fn`. */
  constructor(
    /** The function applied to the input. */
    readonly fn: (x: Tensor) => Tensor,
  ) {
    super();
  }

  /** Applies the function. */
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}
