import { ShapeError, ValueError, concat, matmul, ones, reshape, slice, type Tensor } from '@loom/core';
import { Module } from '../module.js';
import { Recurrent } from '../recurrent.js';
import { ReservoirCell, type ReservoirCellOptions } from './reservoir-cell.js';
import { ridgeRegression } from './ridge.js';

/** Options of {@link EchoStateNetwork.fit}. */
export interface EchoStateFitOptions {
  /** Leading steps of every sequence left out of the fit, while the reservoir forgets its initial state (default 0). */
  readonly washout?: number;
  /** The ridge penalty λ (default 1e-6). */
  readonly ridge?: number;
}

/** Outputs of an {@link EchoStateNetwork} and the reservoir's state after the last step. */
export interface EchoStateOutput {
  /** The readout's outputs [T, B, O], or the features [T, B, 1 + I + R] from {@link EchoStateNetwork.features}. */
  readonly outputs: Tensor;
  /** The reservoir state after the last step, [B, R]; pass it back in to continue the sequence. */
  readonly state: Tensor;
}

/** What {@link EchoStateNetwork.fit} returns: the fitted readout, and the fit's outputs and final state. */
export interface EchoStateFit extends EchoStateOutput {
  /** W_out [1 + I + R, O], also stored as {@link EchoStateNetwork.readout}. */
  readonly readout: Tensor;
}

/**
 * An echo state network: a {@link ReservoirCell} and a linear readout fitted by ridge regression in closed form:
 *
 * ```text
 * h_t = (1 − a) h_{t−1} + a tanh(W_in x_t + W h_{t−1} + b)     the reservoir
 * z_t = [1, x_t, h_t]                                         the features (bias, input, state)
 * W_out = (ZᵀZ + λI)⁻¹ ZᵀY                                    over every step after the washout
 * y_t = z_tᵀ W_out
 * ```
 *
 * With a fixed reservoir (the default), `fit` is the whole training. With `trainable: true` the fit is
 * differentiable (it goes through `solve`), so a loss of the fitted network's predictions trains the reservoir
 * end to end.
 *
 * Shapes: x [T, B, I], y [T, B, O]; features [T, B, 1 + I + R]; readout [1 + I + R, O]; outputs [T, B, O].
 *
 * @example
 * ```ts
 * const esn = new EchoStateNetwork(1, 300, { spectralRadius: 0.95, leakRate: 0.3 });
 * const { state } = esn.fit(xTrain, yTrain, { washout: 100, ridge: 1e-7 });
 * const prediction = esn.forward(xTest, state).outputs;
 * ```
 */
export class EchoStateNetwork extends Module {
  /** The reservoir, unrolled. */
  readonly reservoir: Recurrent<Tensor>;
  /** The fitted readout W_out [1 + I + R, O], or null before {@link EchoStateNetwork.fit}. */
  readout: Tensor | null = null;

  /** An ESN over `inputSize` features with `reservoirSize` units; the options go to {@link ReservoirCell}. */
  constructor(inputSize: number, reservoirSize: number, options: ReservoirCellOptions = {}) {
    super();
    this.reservoir = new Recurrent(new ReservoirCell(inputSize, reservoirSize, options));
  }

  /** The features z_t = [1, x_t, h_t] of every step, from `state` (zeros when absent). */
  features(x: Tensor, state?: Tensor): EchoStateOutput {
    const { outputs, state: last } = this.reservoir.forward(x, state);
    const [steps, batch] = x.shape as [number, number];
    return { outputs: concat([ones([steps, batch, 1], { dtype: x.dtype }), x, outputs], -1), state: last };
  }

  /** Runs the reservoir over `x`, fits the readout to `y` on the steps after the washout, and stores it. */
  fit(x: Tensor, y: Tensor, options: EchoStateFitOptions = {}): EchoStateFit {
    const { washout = 0, ridge = 1e-6 } = options;
    if (x.rank !== 3) throw new ShapeError(`EchoStateNetwork.fit: x must be [T, B, I], got [${x.shape.join(',')}]`);
    const steps = x.shape[0]!;
    if (y.rank !== 3 || y.shape[0] !== steps || y.shape[1] !== x.shape[1]) {
      throw new ShapeError(
        `EchoStateNetwork.fit: y must be [T, B, O] with the T and B of x [${x.shape.join(',')}], got [${y.shape.join(',')}]`,
      );
    }
    if (!Number.isInteger(washout) || washout < 0 || washout >= steps) {
      throw new ValueError(`EchoStateNetwork.fit: washout must be a whole number in 0…${steps - 1} (the steps of x), got ${washout}`);
    }
    const { outputs, state } = this.features(x);
    const rows = (t: Tensor) => reshape(slice(t, [washout]), [-1, t.shape[2]!]);
    this.readout = ridgeRegression(rows(outputs), rows(y), ridge);
    return { outputs: matmul(outputs, this.readout), state, readout: this.readout };
  }

  /** The readout's outputs y_t = z_tᵀ W_out for every step of `x`, from `state` (zeros when absent). */
  forward(x: Tensor, state?: Tensor): EchoStateOutput {
    if (this.readout === null) throw new ValueError('EchoStateNetwork.forward: the readout is not fitted yet; call fit(x, y) first');
    const { outputs, state: last } = this.features(x, state);
    return { outputs: matmul(outputs, this.readout), state: last };
  }
}
