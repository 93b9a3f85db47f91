import { concat, linear, tanh, zeros, type DType, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { GridCell } from './grid-cell.js';

/**
 * The tanh cell of the 2-D recurrent network of Graves, Fernández & Schmidhuber (2007): one hidden layer fed by the
 * input and by both predecessors, each through its own recurrent weights:
 *
 * ```text
 * h(i,j) = tanh(W_ih x(i,j) + b + W_v h(i∓1,j) + W_h h(i,j∓1))     [W_v W_h] = weightHh
 * ```
 *
 * Shapes: x [B, n, C]; state and output h [B, n, H]. Parameters: `weightIh` [H, C], `bias` [H], `weightHh` [H, 2H]
 * (columns for the vertical predecessor, then the horizontal one), starting U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const rnn = new GridRNN(() => new GridRNNCell(3, 8)); // x [B, H, W, 3] → [B, H, W, 32]
 * ```
 */
export class GridRNNCell extends GridCell<Tensor> {
  /** [H, C]. */
  readonly weightIh: Parameter;
  /** [H]. */
  readonly bias: Parameter;
  /** Recurrent weights [H, 2H], columns for the vertical predecessor, then the horizontal one. */
  readonly weightHh: Parameter;
  /** Equal to `hiddenSize`. */
  readonly outputSize: number;
  private readonly dtype: DType;

  /** A cell from `inputSize` channels to `hiddenSize` units. */
  constructor(
    /** Channels per input cell, C. */
    readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    options: InitOptions = {},
  ) {
    super();
    const H = hiddenSize;
    this.outputSize = H;
    this.dtype = options.dtype ?? 'float32';
    this.weightIh = rnnUniform([H, inputSize], H, options);
    this.bias = rnnUniform([H], H, options);
    this.weightHh = rnnUniform([H, 2 * H], H, options);
  }

  /** Zeros [batch, cells, H]. */
  initialState(batch: number, cells: number): Tensor {
    return zeros([batch, cells, this.hiddenSize], { dtype: this.dtype });
  }

  /** W_ih x + b, [..., H]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.bias);
  }

  /** h = tanh(projected + W_hh [h_v; h_h]). */
  step(projected: Tensor, vertical: Tensor, horizontal: Tensor): [Tensor, Tensor] {
    const h = tanh(linear(concat([vertical, horizontal], -1), this.weightHh, projected));
    return [h, h];
  }
}
