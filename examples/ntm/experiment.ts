// Training and evaluation of an NTM on the copy task, shared by the demo (main.ts) and its test.
import { Generator, gt, noGrad, ne, seed, slice, sum, type Tensor } from '@loom/core';
import { Adam, NTMCell, Recurrent, bceWithLogits, clipGradNorm, type NTMCellOptions, type NTMState } from '@loom/layers';
import { copyBatch } from './copy-task.js';

/** How long and how big a copy-task run is. */
export interface CopyExperimentOptions {
  /** Width of each bit vector. */
  readonly bits: number;
  /** Sequences have 1 … maxLength vectors. */
  readonly maxLength: number;
  /** Training batches (each with its own random length). */
  readonly iterations: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** The NTM's sizes. */
  readonly ntm?: NTMCellOptions;
  /** Called every `logEvery` iterations with a progress line. */
  readonly log?: (line: string) => void;
  readonly logEvery?: number;
}

/** An NTM and its optimizer, trained on copy batches drawn from a seeded generator. */
export class CopyExperiment {
  readonly model: Recurrent<NTMState>;
  readonly g: Generator;

  constructor(readonly options: CopyExperimentOptions) {
    seed(options.seed ?? 1); // weights: the global generator
    this.g = new Generator((options.seed ?? 1) + 100); // data
    const { bits } = options;
    this.model = new Recurrent(new NTMCell(bits + 1, bits, { memorySlots: 8, memoryWidth: 6, controllerSize: 32, ...options.ntm }));
  }

  /** Logits of the output phase, [L, B, bits]. */
  outputs(inputs: Tensor, length: number): Tensor {
    return slice(this.model.forward(inputs).outputs, [length + 1]);
  }

  /** Trains for `iterations` batches with Adam and gradient-norm clipping; returns the mean loss of the last 50. */
  train(): number {
    const { bits, maxLength, iterations, batch = 16, lr = 3e-3, log, logEvery = 100 } = this.options;
    const optimizer = new Adam(this.model.parameters(), { lr });
    const recent: number[] = [];
    for (let it = 1; it <= iterations; it++) {
      const { inputs, targets, length } = copyBatch(this.g, batch, this.g.int(1, maxLength + 1), bits);
      const loss = bceWithLogits(this.outputs(inputs, length), targets);
      optimizer.zeroGrad();
      loss.backward();
      clipGradNorm(this.model.parameters(), 10);
      optimizer.step();
      recent.push(loss.item());
      if (recent.length > 50) recent.shift();
      if (log && it % logEvery === 0)
        log(`iteration ${it}: loss ${mean(recent).toFixed(4)} (bits/step, mean of the last ${recent.length})`);
    }
    return mean(recent);
  }

  /** Fraction of wrong output bits over `count` fresh sequences of each length `from` … `to` (0.5 is chance). */
  bitErrorRate(count = 64, from = 1, to = this.options.maxLength): number {
    const { bits } = this.options;
    let wrong = 0;
    let total = 0;
    noGrad(() => {
      for (let length = from; length <= to; length++) {
        const { inputs, targets } = copyBatch(this.g, count, length, bits);
        wrong += sum(ne(gt(this.outputs(inputs, length), 0), targets)).item();
        total += targets.size;
      }
    });
    return wrong / total;
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
