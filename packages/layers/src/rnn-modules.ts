import { ValueError, type Tensor } from '@loom/core';
import { GRUCell } from './cells/gru-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { RNNCell } from './cells/rnn-cell.js';
import type { SequenceMask } from './recurrent.js';
import { RNNBase, type RNNBaseOptions } from './rnn-base.js';

/** Options of {@link RNN}. */
export interface RNNOptions extends RNNBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity?: 'tanh' | 'relu';
}

/** Options of {@link LSTM}. */
export interface LSTMOptions extends RNNBaseOptions {
  /** Project each layer's h to this size with W_hr (LSTMP); 0 for none (default). Must be less than hiddenSize. */
  readonly projSize?: number;
}

/** Options of {@link GRU}. */
export type GRUOptions = RNNBaseOptions;

/** What {@link RNN.forward} and {@link GRU.forward} return. */
export interface RNNOutput {
  /** The last layer's output at every step: [T, B, D·H] ([B, T, D·H] batch-first); zeros at padded steps. */
  readonly output: Tensor;
  /** Every layer and direction's h after its last real step: [L·D, B, H], layer-major, forward before reverse. */
  readonly h_n: Tensor;
}

/** What {@link LSTM.forward} returns. */
export interface LSTMOutput extends RNNOutput {
  /** Every layer and direction's cell state after its last real step: [L·D, B, H]. */
  readonly c_n: Tensor;
}

/**
 * Multi-layer Elman RNN shaped like PyTorch's `nn.RNN`: each layer and direction is an {@link RNNCell},
 *
 * ```text
 * h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)        act = tanh or relu
 * ```
 *
 * and layer l > 0 reads layer l − 1's outputs (both directions concatenated), with dropout in between.
 *
 * Shapes (D = 2 if bidirectional else 1): x [T, B, I] (or [B, T, I]); h0 and h_n [L·D, B, H]; output [T, B, D·H].
 * Parameters, named as PyTorch names them: `weight_ih_l0` [H, I], `weight_ih_l{k}` [H, D·H] for k > 0,
 * `weight_hh_l{k}` [H, H], `bias_ih_l{k}`, `bias_hh_l{k}` [H], and the same with `_reverse` for the backward direction.
 *
 * @example
 * ```ts
 * const rnn = new RNN(8, 16, { numLayers: 2, nonlinearity: 'relu' });
 * const { output, h_n } = rnn.forward(x); // x [T, B, 8] → output [T, B, 16], h_n [2, B, 16]
 * ```
 */
export class RNN extends RNNBase<Tensor> {
  /** An RNN from `inputSize` features to `hiddenSize` units per layer and direction; see {@link RNNOptions}. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, options, {
      makeCell: (size) => new RNNCell(size, hiddenSize, { ...cellOptions(options), nonlinearity: options.nonlinearity }),
      stateParts: [['h0', hiddenSize]],
      outputSize: hiddenSize,
    });
  }

  /** Runs every layer over `x` from `h0` ([L·D, B, H]; zeros when absent). Lengths or a mask handle padding. */
  forward(x: Tensor, h0?: Tensor, sequence: SequenceMask = {}): RNNOutput {
    const { output, finals } = this.run(x, h0 && [h0], sequence);
    return { output, h_n: finals[0]! };
  }
}

/**
 * Multi-layer LSTM shaped like PyTorch's `nn.LSTM`: each layer and direction is an {@link LSTMCell} (gates i, f, g,
 * o), with the optional projection h_t = W_hr (o_t ⊙ tanh(c_t)) of Sak et al. 2014 (`projSize` P):
 *
 * ```text
 * i, f, g, o = σ, σ, tanh, σ (W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
 * c_t = f ⊙ c_{t−1} + i ⊙ g          h_t = o ⊙ tanh(c_t)     (then h_t = W_hr h_t with projSize)
 * ```
 *
 * Shapes (D = 2 if bidirectional, H_out = P or H): x [T, B, I] (or [B, T, I]); h0 and h_n [L·D, B, H_out]; c0 and
 * c_n [L·D, B, H]; output [T, B, D·H_out]. Parameters, named and ordered as PyTorch: per layer k and direction,
 * `weight_ih_l{k}` [4H, I] (k = 0) or [4H, D·H_out], `weight_hh_l{k}` [4H, H_out], `bias_ih_l{k}`, `bias_hh_l{k}`
 * [4H], `weight_hr_l{k}` [P, H], each with `_reverse` for the backward direction.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16, { numLayers: 2, bidirectional: true, projSize: 4, dropout: 0.2 });
 * const { output, h_n, c_n } = lstm.forward(x, undefined, { lengths: [5, 3] }); // [5, 2, 8], [4, 2, 4], [4, 2, 16]
 * ```
 */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  /** Projection size P, or 0. */
  readonly projSize: number;

  /** An LSTM from `inputSize` features to `hiddenSize` units per layer and direction; see {@link LSTMOptions}. */
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    const projSize = options.projSize ?? 0;
    if (!Number.isInteger(projSize) || projSize < 0 || projSize >= hiddenSize) {
      throw new ValueError(`LSTM: projSize must be a whole number in 0…${hiddenSize - 1} (less than hiddenSize), got ${projSize}`);
    }
    const outputSize = projSize > 0 ? projSize : hiddenSize;
    super(inputSize, hiddenSize, options, {
      makeCell: (size) => new LSTMCell(size, hiddenSize, { ...cellOptions(options), projSize }),
      stateParts: [
        ['h0', outputSize],
        ['c0', hiddenSize],
      ],
      outputSize,
    });
    this.projSize = projSize;
  }

  /** Runs every layer over `x` from `[h0, c0]` (zeros when absent). Lengths or a mask handle padding. */
  forward(x: Tensor, state?: readonly [Tensor, Tensor], sequence: SequenceMask = {}): LSTMOutput {
    const { output, finals } = this.run(x, state, sequence);
    return { output, h_n: finals[0]!, c_n: finals[1]! };
  }
}

/**
 * Multi-layer GRU shaped like PyTorch's `nn.GRU`: each layer and direction is a {@link GRUCell} (gates r, z, n,
 * reset applied after the recurrent product):
 *
 * ```text
 * r, z = σ(W_i{r,z} x_t + b_i{r,z} + W_h{r,z} h_{t−1} + b_h{r,z})
 * n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))          h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * ```
 *
 * Shapes (D = 2 if bidirectional): x [T, B, I] (or [B, T, I]); h0 and h_n [L·D, B, H]; output [T, B, D·H].
 * Parameters: `weight_ih_l{k}` [3H, I] (k = 0) or [3H, D·H], `weight_hh_l{k}` [3H, H], `bias_ih_l{k}`,
 * `bias_hh_l{k}` [3H], each with `_reverse` for the backward direction.
 *
 * @example
 * ```ts
 * const gru = new GRU(8, 16, { numLayers: 2, bidirectional: true, batchFirst: true });
 * const { output, h_n } = gru.forward(x, h0); // x [B, T, 8], h0 [4, B, 16] → output [B, T, 32], h_n [4, B, 16]
 * ```
 */
export class GRU extends RNNBase<Tensor> {
  /** A GRU from `inputSize` features to `hiddenSize` units per layer and direction; see {@link GRUOptions}. */
  constructor(inputSize: number, hiddenSize: number, options: GRUOptions = {}) {
    super(inputSize, hiddenSize, options, {
      makeCell: (size) => new GRUCell(size, hiddenSize, cellOptions(options)),
      stateParts: [['h0', hiddenSize]],
      outputSize: hiddenSize,
    });
  }

  /** Runs every layer over `x` from `h0` ([L·D, B, H]; zeros when absent). Lengths or a mask handle padding. */
  forward(x: Tensor, h0?: Tensor, sequence: SequenceMask = {}): RNNOutput {
    const { output, finals } = this.run(x, h0 && [h0], sequence);
    return { output, h_n: finals[0]! };
  }
}

/** The options a layer's cell takes from the module's: PyTorch's modules have no peepholes, forget bias or resetBefore. */
function cellOptions({ bias, dtype, generator }: RNNBaseOptions): RNNBaseOptions {
  return { bias, dtype, generator };
}
