import { linear, ShapeError, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * Affine map y = x Wᵀ + b over the last axis, with PyTorch's layout and default initialization
 * (W and b uniform in ±1/√in).
 *
 * Shapes: x [..., in] → y [..., out]; `weight` [out, in], `bias` [out].
 *
 * @example
 * ```ts
 * const proj = new Linear(16, 4);
 * proj.forward(zeros([2, 16])).shape; // [2, 4]
 * ```
 */
export class Linear extends Module {
  /** [out, in]. */
  readonly weight: Parameter;
  /** [out], or null without bias. */
  readonly bias: Parameter | null;

  /** A layer from `inFeatures` to `outFeatures`. */
  constructor(
    /** Size of each input's last axis. */
    readonly inFeatures: number,
    /** Size of each output's last axis. */
    readonly outFeatures: number,
    options: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    this.weight = rnnUniform([outFeatures, inFeatures], inFeatures, options);
    this.bias = options.bias === false ? null : rnnUniform([outFeatures], inFeatures, options);
  }

  /** y = x Wᵀ + b. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(${this.inFeatures}→${this.outFeatures}): input has shape [${x.shape.join(',')}], but its last axis must be ${this.inFeatures}`,
      );
    }
    return linear(x, this.weight, this.bias);
  }
}
