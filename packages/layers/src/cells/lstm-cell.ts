import { add, linear, matmul, mul, sigmoid, split, tanh, zeros, type DType, type Tensor } from '@loom/core';
import { ProjectedCell } from '../cell.js';
import { rnnUniform, type InitOptions } from '../init.js';
import { Parameter } from '../parameter.js';

/** Options of {@link LSTMCell}. */
export interface LSTMCellOptions extends InitOptions {
  /** Add the input and recurrent biases (default true). */
  readonly bias?: boolean;
  /** Diagonal peephole connections from the cell state to the gates (Gers & Schmidhuber 2000). Default false. */
  readonly peepholes?: boolean;
  /** Project h to this size with W_hr after each step (LSTMP, Sak et al. 2014); 0 for none (default). */
  readonly projSize?: number;
  /** Initial value of the forget gate's bias, e.g. 1 to remember by default (Jozefowicz et al. 2015). Default: random, as PyTorch. */
  readonly forgetBias?: number;
}

/**
 * Long short-term memory cell, with PyTorch's parameter layout and gate order (i, f, g, o):
 *
 * ```text
 * i = σ(W_ii x + b_ii + W_hi h + b_hi + w_ci ⊙ c)      (peephole terms only with `peepholes`)
 * f = σ(W_if x + b_if + W_hf h + b_hf + w_cf ⊙ c)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)
 * c' = f ⊙ c + i ⊙ g
 * o = σ(W_io x + b_io + W_ho h + b_ho + w_co ⊙ c')
 * h' = o ⊙ tanh(c')            then h' = W_hr h' with `projSize`
 * ```
 *
 * Shapes: x [B, I]; state [h [B, P or H], c [B, H]]; output h' [B, P or H]. Parameters: `weightIh` [4H, I],
 * `weightHh` [4H, P or H], `biasIh`/`biasHh` [4H], peepholes `weightCi`/`weightCf`/`weightCo` [H], `weightHr` [P, H].
 * All start U(−1/√H, 1/√H), as PyTorch.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(8, 16, { peepholes: true });
 * const [h, [h1, c1]] = cell.step(x, cell.initialState(4));
 * ```
 */
export class LSTMCell extends ProjectedCell<[Tensor, Tensor]> {
  /** Input-to-hidden weights of the four gates, [4H, I]. */
  readonly weightIh: Parameter;
  /** Hidden-to-hidden weights of the four gates, [4H, P or H]. */
  readonly weightHh: Parameter;
  /** Input bias [4H], or null without bias. */
  readonly biasIh: Parameter | null;
  /** Recurrent bias [4H], or null without bias. */
  readonly biasHh: Parameter | null;
  /** Peephole weights [H] for the input, forget and output gates, or null. */
  readonly weightCi: Parameter | null;
  /** See {@link LSTMCell.weightCi}. */
  readonly weightCf: Parameter | null;
  /** See {@link LSTMCell.weightCi}. */
  readonly weightCo: Parameter | null;
  /** Projection [P, H], or null. */
  readonly weightHr: Parameter | null;
  /** Size of the output h (P with projection, else H). */
  readonly outputSize: number;
  private readonly dtype: DType;

  /** An LSTM cell from `inputSize` features to `hiddenSize` units. */
  constructor(
    override readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    options: LSTMCellOptions = {},
  ) {
    super();
    const H = hiddenSize;
    const P = options.projSize ?? 0;
    this.outputSize = P > 0 ? P : H;
    this.dtype = options.dtype ?? 'float32';
    const init = (shape: number[]) => rnnUniform(shape, H, options);
    this.weightIh = init([4 * H, inputSize]);
    this.weightHh = init([4 * H, this.outputSize]);
    const bias = options.bias ?? true;
    this.biasIh = bias ? init([4 * H]) : null;
    this.biasHh = bias ? init([4 * H]) : null;
    const peep = options.peepholes ?? false;
    this.weightCi = peep ? init([H]) : null;
    this.weightCf = peep ? init([H]) : null;
    this.weightCo = peep ? init([H]) : null;
    this.weightHr = P > 0 ? init([P, H]) : null;
    if (options.forgetBias !== undefined && this.biasIh && this.biasHh) {
      // The forget gate's pre-activation gets b_if + b_hf, so put the whole value in b_if and zero b_hf.
      for (let j = H; j < 2 * H; j++) [this.biasIh.data[j], this.biasHh.data[j]] = [options.forgetBias, 0];
    }
  }

  /** Zeros: h [batch, P or H] and c [batch, H]. */
  initialState(batch: number): [Tensor, Tensor] {
    return [zeros([batch, this.outputSize], { dtype: this.dtype }), zeros([batch, this.hiddenSize], { dtype: this.dtype })];
  }

  /** W_ih x + b_ih + b_hh: the input half of the four gates' pre-activations, [..., 4H]. */
  project(x: Tensor): Tensor {
    return linear(x, this.weightIh, this.biasIh && this.biasHh ? add(this.biasIh, this.biasHh) : null);
  }

  /** One step from the projected input; see the class equations. */
  stepProjected(xw: Tensor, [h, c]: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const gates = linear(h, this.weightHh, xw);
    const [i, f, g, o] = split(gates, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const peep = (gate: Tensor, w: Parameter | null, state: Tensor) => (w ? add(gate, mul(w, state)) : gate);
    const cNext = add(mul(sigmoid(peep(f, this.weightCf, c)), c), mul(sigmoid(peep(i, this.weightCi, c)), tanh(g)));
    let hNext = mul(sigmoid(peep(o, this.weightCo, cNext)), tanh(cNext));
    if (this.weightHr) hNext = matmul(hNext, this.weightHr, { transposeB: true });
    return [hNext, [hNext, cNext]];
  }
}
