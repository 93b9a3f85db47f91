import { add, lerp, linear, mul, sigmoid, split, tanh, zeros, type DType, type Tensor } from '@loom/core';
import { ProjectedCell } from '../cell.js';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';

/** Options of {@link GRUCell}. */
export interface GRUCellOptions extends InitOptions {
  /** Add the input and recurrent biases (default true). */
  readonly bias?: boolean;
  /**
   * Apply the reset gate to h before the recurrent product, as in Cho et al. 2014 (Keras `reset_after=false`),
   * instead of after it, as PyTorch and cuDNN do (the default).
   */
  readonly resetBefore?: boolean;
}

/**
 * Gated recurrent unit, with PyTorch's parameter layout and gate order (r, z, n):
 *
 * ```text
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))       default: reset after the product, b_hn inside
 * n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)       with resetBefore
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 *
 * Shapes: x [B, I]; state h [B, H]; output h' [B, H]. Parameters: `weightIh` [3H, I], `weightHh` [3H, H],
 * `biasIh`/`biasHh` [3H], all U(−1/√H, 1/√H) as PyTorch.
 *
 * @example
 * ```ts
 * const gru = new Recurrent(new GRUCell(8, 16));
 * ```
 */
export class GRUCell extends ProjectedCell<Tensor> {
  /** Input-to-hidden weights of r, z, n, [3H, I]. */
  readonly weightIh: Parameter;
  /** Hidden-to-hidden weights of r, z, n, [3H, H]. */
  readonly weightHh: Parameter;
  /** Input bias [3H], or null. */
  readonly biasIh: Parameter | null;
  /** Recurrent bias [3H], or null. */
  readonly biasHh: Parameter | null;
  private readonly dtype: DType;
  private readonly resetBefore: boolean;

  /** A GRU cell from `inputSize` features to `hiddenSize` units. */
  constructor(
    override readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    options: GRUCellOptions = {},
  ) {
    super();
    const init = (shape: number[]) => rnnUniform(shape, hiddenSize, options);
    this.weightIh = init([3 * hiddenSize, inputSize]);
    this.weightHh = init([3 * hiddenSize, hiddenSize]);
    this.biasIh = options.bias === false ? null : init([3 * hiddenSize]);
    this.biasHh = options.bias === false ? null : init([3 * hiddenSize]);
    this.dtype = options.dtype ?? 'float32';
    this.resetBefore = options.resetBefore ?? false;
  }

  /** Zeros [batch, H]. */
  initialState(batch: number): Tensor {
    return zeros([batch, this.hiddenSize], { dtype: this.dtype });
  }

  /** W_ih x + b_ih: the input halves of r, z and n, [..., 3H]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.biasIh);
  }

  /** One step from the projected input; see the class equations. */
  stepProjected(xw: Tensor, h: Tensor): [Tensor, Tensor] {
    const [xr, xz, xn] = split(xw, 3, -1) as [Tensor, Tensor, Tensor];
    if (!this.resetBefore) {
      const [hr, hz, hn] = split(linear(h, this.weightHh, this.biasHh), 3, -1) as [Tensor, Tensor, Tensor];
      const [r, z] = [sigmoid(add(xr, hr)), sigmoid(add(xz, hz))];
      return same(lerp(tanh(add(xn, mul(r, hn))), h, z));
    }
    // The reset gate acts on h before W_hn, so the n rows of W_hh get their own product.
    const [wrz, wn] = split(this.weightHh, [2 * this.hiddenSize, this.hiddenSize], 0) as [Tensor, Tensor];
    const [brz, bn] = this.biasHh ? (split(this.biasHh, [2 * this.hiddenSize, this.hiddenSize], 0) as [Tensor, Tensor]) : [null, null];
    const [hr, hz] = split(linear(h, wrz, brz), 2, -1) as [Tensor, Tensor];
    const [r, z] = [sigmoid(add(xr, hr)), sigmoid(add(xz, hz))];
    return same(lerp(tanh(add(xn, linear(mul(r, h), wn, bn))), h, z));
  }
}

/** A GRU's output is its state. */
function same(h: Tensor): [Tensor, Tensor] {
  return [h, h];
}
