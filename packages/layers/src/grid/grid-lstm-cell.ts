import { add, concat, linear, mul, sigmoid, split, tanh, zeros, type DType, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { GridCell } from './grid-cell.js';

/** Options of {@link GridLSTMCell}. */
export interface GridLSTMCellOptions extends InitOptions {
  /** Initial value of both forget gates' biases. Default: random. */
  readonly forgetBias?: number;
}

/**
 * The 2-D LSTM cell of Graves, Fernández & Schmidhuber (2007) (MD-LSTM): one forget gate per predecessor, so the cell
 * keeps or drops what came down the column and what came along the row separately:
 *
 * ```text
 * i, f_v, f_h, o, g = σ, σ, σ, σ, tanh of W_ih x(i,j) + b + W_hh [h(i∓1,j); h(i,j∓1)]
 * c(i,j) = i ⊙ g + f_v ⊙ c(i∓1,j) + f_h ⊙ c(i,j∓1)
 * h(i,j) = o ⊙ tanh(c(i,j))
 * ```
 *
 * Shapes: x [B, n, C]; state [h [B, n, H], c [B, n, H]]; output h. Parameters: `weightIh` [5H, C], `bias` [5H]
 * (rows i, f_v, f_h, o, g), `weightHh` [5H, 2H] (columns h_v then h_h), starting U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const rnn = new GridRNN(() => new GridLSTMCell(3, 8), { merge: 'sum' }); // x [B, H, W, 3] → [B, H, W, 8]
 * ```
 */
export class GridLSTMCell extends GridCell<[Tensor, Tensor]> {
  /** [5H, C]. */
  readonly weightIh: Parameter;
  /** [5H]. */
  readonly bias: Parameter;
  /** Recurrent weights [5H, 2H], columns for the vertical predecessor, then the horizontal one. */
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
    options: GridLSTMCellOptions = {},
  ) {
    super();
    const H = hiddenSize;
    this.outputSize = H;
    this.dtype = options.dtype ?? 'float32';
    this.weightIh = rnnUniform([5 * H, inputSize], H, options);
    this.bias = rnnUniform([5 * H], H, options);
    this.weightHh = rnnUniform([5 * H, 2 * H], H, options);
    if (options.forgetBias !== undefined) this.bias.data.fill(options.forgetBias, H, 3 * H);
  }

  /** Zeros: h and c [batch, cells, H]. */
  initialState(batch: number, cells: number): [Tensor, Tensor] {
    const z = () => zeros([batch, cells, this.hiddenSize], { dtype: this.dtype });
    return [z(), z()];
  }

  /** W_ih x + b, [..., 5H]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.bias);
  }

  /** One step of the class equations. */
  step(projected: Tensor, [hv, cv]: [Tensor, Tensor], [hh, ch]: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const gates = linear(concat([hv, hh], -1), this.weightHh, projected);
    const [i, fv, fh, o, g] = split(gates, 5, -1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const c = add(mul(sigmoid(i), tanh(g)), add(mul(sigmoid(fv), cv), mul(sigmoid(fh), ch)));
    const h = mul(sigmoid(o), tanh(c));
    return [h, [h, c]];
  }
}
