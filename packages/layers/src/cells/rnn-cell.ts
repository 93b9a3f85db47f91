import { add, linear, zeros, type DType, type Tensor } from '@loom/core';
import { ProjectedCell } from '../cell.js';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { activationFn, type CellActivation } from './activation.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends InitOptions {
  /** The nonlinearity: `'tanh'` (default), `'relu'`, or any {@link CellActivation}. */
  readonly nonlinearity?: CellActivation;
  /** Add the input and recurrent biases (default true). */
  readonly bias?: boolean;
}

/**
 * Elman recurrent cell, with PyTorch's parameter layout:
 *
 * ```text
 * h' = act(W_ih x + b_ih + W_hh h + b_hh)        act = tanh (default), relu, or any activation
 * ```
 *
 * Shapes: x [B, I]; state h [B, H]; output h' [B, H]. Parameters: `weightIh` [H, I], `weightHh` [H, H],
 * `biasIh`/`biasHh` [H], all U(−1/√H, 1/√H) as PyTorch.
 *
 * @example
 * ```ts
 * const rnn = new Recurrent(new RNNCell(8, 16, { nonlinearity: 'relu' }));
 * ```
 */
export class RNNCell extends ProjectedCell<Tensor> {
  /** Input-to-hidden weights, [H, I]. */
  readonly weightIh: Parameter;
  /** Hidden-to-hidden weights, [H, H]. */
  readonly weightHh: Parameter;
  /** Input bias [H], or null. */
  readonly biasIh: Parameter | null;
  /** Recurrent bias [H], or null. */
  readonly biasHh: Parameter | null;
  /** Element type of the parameters and states. */
  protected readonly dtype: DType;
  /** The nonlinearity. */
  protected readonly act: (x: Tensor) => Tensor;

  /** An Elman cell from `inputSize` features to `hiddenSize` units. */
  constructor(
    override readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    options: RNNCellOptions = {},
  ) {
    super();
    const init = (shape: number[]) => rnnUniform(shape, hiddenSize, options);
    this.weightIh = init([hiddenSize, inputSize]);
    this.weightHh = init([hiddenSize, hiddenSize]);
    this.biasIh = options.bias === false ? null : init([hiddenSize]);
    this.biasHh = options.bias === false ? null : init([hiddenSize]);
    this.dtype = options.dtype ?? 'float32';
    this.act = activationFn(options.nonlinearity ?? 'tanh');
  }

  /** Zeros [batch, H]. */
  initialState(batch: number): Tensor {
    return zeros([batch, this.hiddenSize], { dtype: this.dtype });
  }

  /** W_ih x + b_ih + b_hh: the input's part of the pre-activation, [..., H]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.biasIh && this.biasHh ? add(this.biasIh, this.biasHh) : null);
  }

  /** One step from the projected input; see the class equation. */
  stepProjected(xw: Tensor, h: Tensor): [Tensor, Tensor] {
    const next = this.act(linear(h, this.weightHh, xw));
    return [next, next];
  }
}
