// One-step-ahead prediction of the Mackey–Glass series (τ = 17) with an echo state network, shared by the demo
// (main.ts) and its test: fit the ridge readout on a training stretch, then predict a held-out stretch that
// continues it.
import { Generator, tensor, type Tensor } from '@loom/core';
import { EchoStateNetwork, mackeyGlass, type ReservoirCellOptions } from '@loom/layers';

/** How long and how big a run is. */
export interface ESNExperimentOptions {
  readonly reservoirSize: number;
  /** Training steps (the first `washout` of them only warm the reservoir up). */
  readonly trainLength: number;
  /** Held-out steps, right after the training stretch. */
  readonly testLength: number;
  readonly washout?: number;
  /** The ridge penalty λ. */
  readonly ridge?: number;
  readonly seed?: number;
  /** Reservoir options (spectral radius, leak rate, …); see ReservoirCellOptions. */
  readonly reservoir?: ReservoirCellOptions;
}

/** What a run measured. */
export interface ESNResult {
  /** Root-mean-square error over the held-out stretch divided by the held-out series' standard deviation. */
  readonly heldOutNrmse: number;
  /** The same on the training stretch after the washout. */
  readonly trainNrmse: number;
  /** The held-out NRMSE of the persistence baseline x̂_{t+1} = x_t, for scale. */
  readonly persistenceNrmse: number;
  /** Held-out targets and predictions, for plotting or printing. */
  readonly targets: number[];
  readonly predictions: number[];
}

/** Runs the experiment: series from a fixed seed, inputs standardized with the training statistics. */
export function runESN(options: ESNExperimentOptions): ESNResult {
  const { reservoirSize, trainLength, testLength, washout = 100, ridge = 1e-8, seed = 0 } = options;
  const series = mackeyGlass(trainLength + testLength + 1, { generator: new Generator(seed) });
  const train = series.slice(0, trainLength + 1);
  const mu = train.reduce((a, b) => a + b, 0) / train.length;
  const sd = Math.sqrt(train.reduce((a, b) => a + (b - mu) ** 2, 0) / train.length);
  const z = series.map((v) => (v - mu) / sd);
  const column = (values: number[]): Tensor => tensor(values, { shape: [values.length, 1, 1], dtype: 'float64' });
  const esn = new EchoStateNetwork(1, reservoirSize, {
    spectralRadius: 0.95,
    leakRate: 0.5,
    inputScaling: 0.5,
    biasScaling: 0.2,
    density: 0.1,
    ...options.reservoir,
    dtype: 'float64',
    generator: new Generator(seed + 1),
  });
  // Inputs x_t, targets x_{t+1}.
  const fit = esn.fit(column(z.slice(0, trainLength)), column(z.slice(1, trainLength + 1)), { washout, ridge });
  const held = esn.forward(column(z.slice(trainLength, trainLength + testLength)), fit.state).outputs;
  const targets = z.slice(trainLength + 1, trainLength + testLength + 1);
  const predictions = Array.from(held.data);
  const trainPred = Array.from(fit.outputs.data).slice(washout);
  return {
    heldOutNrmse: nrmse(predictions, targets),
    trainNrmse: nrmse(trainPred, z.slice(washout + 1, trainLength + 1)),
    persistenceNrmse: nrmse(z.slice(trainLength, trainLength + testLength), targets),
    targets: targets.map((v) => v * sd + mu),
    predictions: predictions.map((v) => v * sd + mu),
  };
}

/** √(mean (p − y)²) / std(y). */
export function nrmse(predictions: readonly number[], targets: readonly number[]): number {
  const n = targets.length;
  const mean = targets.reduce((a, b) => a + b, 0) / n;
  const variance = targets.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const mse = targets.reduce((a, y, i) => a + (predictions[i]! - y) ** 2, 0) / n;
  return Math.sqrt(mse / variance);
}
