import { Generator, ValueError, div, lt, mul, rand, type Tensor } from '@loom/core';
import { Module } from './module.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** Randomness source for the masks; the global generator (see `seed`) when absent. */
  readonly generator?: Generator;
}

/**
 * Inverted dropout: in training mode each element is zeroed with probability `p` and the rest scaled by
 * 1/(1 − p); in evaluation mode it is the identity.
 *
 * Shapes: any; the mask has the input's shape, or `maskShape` (size-1 axes broadcast: `[1, B, H]` over [T, B, H]
 * reuses one mask across time, which is variational dropout).
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.25);
 * drop.forward(x);          // training: random zeros
 * drop.eval().forward(x);   // identity
 * ```
 */
export class Dropout extends Module {
  /** Creates dropout with drop probability `p` in [0, 1). */
  constructor(
    /** Probability of zeroing each element. */
    readonly p: number,
    /** Where the masks' randomness comes from. */
    readonly options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new ValueError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  /** Applies dropout (or nothing, in evaluation mode or with p = 0). */
  forward(x: Tensor, maskShape: readonly number[] = x.shape): Tensor {
    if (!this.training || this.p === 0) return x;
    return mul(x, this.mask(maskShape, x));
  }

  /** A fresh mask of 0 and 1/(1 − p) entries, shaped `shape`, in `like`'s dtype. */
  mask(shape: readonly number[], like: Tensor): Tensor {
    const keep = lt(rand(shape, { dtype: like.dtype, generator: this.options.generator }), 1 - this.p);
    return div(keep, 1 - this.p);
  }
}
