import { add, matmul, zeros, type DType, type Tensor } from '@loom/core';
import { Cell } from '../cell.js';
import { rnnUniform, type InitOptions } from '../init.js';
import type { Parameter } from '../parameter.js';
import { activationFn, type CellActivation } from './activation.js';

/** Options of {@link JordanCell}. */
export interface JordanCellOptions extends InitOptions {
  /** The hidden nonlinearity `act`. Default `'tanh'`. */
  readonly activation?: CellActivation;
  /**
   * The output nonlinearity `outAct`. Default `'tanh'`: the output is fed back, so a bounded one keeps the loop
   * from blowing up; use `'identity'` for a linear output or `'sigmoid'` as Jordan (1986).
   */
  readonly outputActivation?: CellActivation;
  /** Add the biases b and b_y (default true). */
  readonly bias?: boolean;
}

/**
 * Jordan recurrent cell (Jordan 1986): the previous *output* is fed back, not the hidden state.
 *
 * ```text
 * h_t = act(W_ih x_t + W_yh y_{t−1} + b)
 * y_t = outAct(W_hy h_t + b_y)
 * ```
 *
 * The state is y_{t−1}; the hidden layer h_t lives within one step only. An Elman {@link RNNCell} feeds back h
 * instead.
 *
 * Shapes: x [B, I]; state y [B, O]; output y' [B, O]. Parameters: `weightIh` [H, I], `weightYh` [H, O],
 * `bias` [H], `weightHy` [O, H], `biasY` [O], all U(−1/√H, 1/√H) (PyTorch's RNN default).
 *
 * @example
 * ```ts
 * const jordan = new Recurrent(new JordanCell(8, 16, 4, { outputActivation: 'sigmoid' }));
 * const { outputs } = jordan.forward(randn([10, 2, 8])); // [10, 2, 4]
 * ```
 */
export class JordanCell extends Cell<Tensor> {
  /** Input-to-hidden weights, [H, I]. */
  readonly weightIh: Parameter;
  /** Fed-back-output-to-hidden weights, [H, O]. */
  readonly weightYh: Parameter;
  /** Hidden bias [H], or null. */
  readonly bias: Parameter | null;
  /** Hidden-to-output weights, [O, H]. */
  readonly weightHy: Parameter;
  /** Output bias [O], or null. */
  readonly biasY: Parameter | null;
  private readonly dtype: DType;
  private readonly act: (x: Tensor) => Tensor;
  private readonly outAct: (x: Tensor) => Tensor;

  /** A Jordan cell from `inputSize` features through `hiddenSize` hidden units to `outputSize` outputs. */
  constructor(
    override readonly inputSize: number,
    /** Number of hidden units, H. */
    readonly hiddenSize: number,
    /** Size of the output and of the fed-back state, O. */
    readonly outputSize: number,
    options: JordanCellOptions = {},
  ) {
    super();
    const init = (shape: number[]) => rnnUniform(shape, hiddenSize, options);
    const bias = options.bias ?? true;
    this.weightIh = init([hiddenSize, inputSize]);
    this.weightYh = init([hiddenSize, outputSize]);
    this.bias = bias ? init([hiddenSize]) : null;
    this.weightHy = init([outputSize, hiddenSize]);
    this.biasY = bias ? init([outputSize]) : null;
    this.dtype = options.dtype ?? 'float32';
    this.act = activationFn(options.activation ?? 'tanh');
    this.outAct = activationFn(options.outputActivation ?? 'tanh');
  }

  /** Zeros [batch, O]: no output before the first step. */
  initialState(batch: number): Tensor {
    return zeros([batch, this.outputSize], { dtype: this.dtype });
  }

  /** One step; see the class equations. */
  step(x: Tensor, y: Tensor): [Tensor, Tensor] {
    const pre = add(matmul(x, this.weightIh, { transposeB: true }), matmul(y, this.weightYh, { transposeB: true }));
    const h = this.act(withBias(pre, this.bias));
    const next = this.outAct(withBias(matmul(h, this.weightHy, { transposeB: true }), this.biasY));
    return [next, next];
  }
}

/** v + b, or v without bias. */
function withBias(v: Tensor, b: Tensor | null): Tensor {
  return b ? add(v, b) : v;
}
