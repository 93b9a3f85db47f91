// Training of an Elman RNN and an LSTM on the first-symbol task, recording ‖∂L/∂h_t‖ per step as they learn.
// Shared by the full run (main.ts) and its short test (main.test.ts).
import { Generator, argmax, noGrad, seed, slice, squeeze, type Tensor } from '@loom/core';
import { Adam, LSTMCell, Linear, RNNCell, Recurrent, crossEntropy, gradNormsOverTime, type MetricsRow, type State } from '@loom/layers';
import { makeBatch, type Batch, type TaskSizes } from './task.js';

/** How long and how big a run is. */
export interface ExperimentOptions extends TaskSizes {
  readonly hidden: number;
  readonly batch: number;
  /** Optimizer steps. */
  readonly trainSteps: number;
  /** Measure the gradient norms every this many steps (and at steps 0 and the last). */
  readonly probeEvery: number;
  readonly lr: number;
  readonly seed: number;
  /** Called with a progress line now and then. */
  readonly log?: (line: string) => void;
}

/** What one model's run produced. */
export interface RunResult {
  readonly name: string;
  /** One record per optimizer step: {step, loss, accuracy} (accuracy on that step's batch). */
  readonly metrics: MetricsRow[];
  /** The optimizer steps at which norms were measured. */
  readonly probeSteps: number[];
  /** Mean ‖∂L/∂h_t‖ over a fixed probe batch, [probe][t]. */
  readonly norms: number[][];
}

/** A recurrent layer with a linear readout of its last output. */
class Classifier<S extends State> {
  readonly readout: Linear;
  constructor(
    readonly rnn: Recurrent<S>,
    hidden: number,
    classes: number,
  ) {
    this.readout = new Linear(hidden, classes);
  }
  parameters() {
    return [...this.rnn.parameters(), ...this.readout.parameters()];
  }
  /** Logits [B, classes] from the outputs [T, B, H]: the readout of the last step. */
  logits(outputs: Tensor): Tensor {
    const last = squeeze(slice(outputs, [outputs.shape[0]! - 1]), 0);
    return this.readout.forward(last);
  }
}

/** The two contenders; the LSTM's forget bias starts at 1, as Jozefowicz et al. (2015) recommend. */
export function models(o: ExperimentOptions) {
  seed(o.seed);
  const classes = o.symbols;
  const inputs = o.symbols + o.distractors;
  return {
    rnn: new Classifier(new Recurrent(new RNNCell(inputs, o.hidden)), o.hidden, classes),
    lstm: new Classifier(new Recurrent(new LSTMCell(inputs, o.hidden, { forgetBias: Math.log(o.steps) })), o.hidden, classes),
  };
}

/** Trains `model` with Adam, measuring gradient norms per time step on a fixed probe batch as it goes. */
export function train<S extends State>(name: string, model: Classifier<S>, o: ExperimentOptions): RunResult {
  const g = new Generator(o.seed + 1); // the same data for both models
  const probe: Batch = makeBatch(o, o.batch, new Generator(o.seed + 2));
  const opt = new Adam(model.parameters(), { lr: o.lr });
  const metrics: MetricsRow[] = [];
  const probeSteps: number[] = [];
  const norms: number[][] = [];
  for (let step = 0; step <= o.trainSteps; step++) {
    if (step % o.probeEvery === 0 || step === o.trainSteps) {
      const lossOf = ({ outputs }: { outputs: Tensor }) => crossEntropy(model.logits(outputs), probe.target);
      probeSteps.push(step);
      norms.push(gradNormsOverTime(model.rnn, probe.x, lossOf).mean);
    }
    if (step === o.trainSteps) break;
    const { x, target } = makeBatch(o, o.batch, g);
    const logits = model.logits(model.rnn.forward(x).outputs);
    const loss = crossEntropy(logits, target);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    const predicted = noGrad(() => argmax(logits, -1)).toArray() as number[];
    const accuracy = predicted.filter((p, b) => p === target[b]).length / target.length;
    metrics.push({ step, loss: loss.item(), accuracy });
    if (o.log && (step + 1) % 100 === 0)
      o.log(`${name} step ${step + 1}: loss ${loss.item().toFixed(3)}, batch accuracy ${accuracy.toFixed(2)}`);
  }
  return { name, metrics, probeSteps, norms };
}

/** How much of the gradient reaches the first step: ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ for one probe. */
export function reachRatio(norms: readonly number[]): number {
  return norms[0]! / norms[norms.length - 1]!;
}
