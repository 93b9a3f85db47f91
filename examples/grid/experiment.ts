// Training and evaluation of grid models on the row-or-column task, shared by the demo (main.ts) and its test.
import { Generator, gt, mean, eq, noGrad, seed, slice, type Tensor } from '@loom/core';
import { Adam, GridLSTMCell, GridRNN, Linear, Module, bceWithLogits, type GridCorner } from '@loom/layers';
import { makeGrids, type GridBatch } from './crosses.js';

/** A 2-D LSTM over the grid (sweeps from the given corners, concatenated) and a per-cell logistic readout. */
export class GridTagger extends Module {
  readonly rnn: GridRNN<[Tensor, Tensor]>;
  readonly readout: Linear;

  constructor(hidden: number, corners?: readonly GridCorner[]) {
    super();
    this.rnn = new GridRNN(() => new GridLSTMCell(1, hidden, { forgetBias: 1 }), { corners });
    this.readout = new Linear(this.rnn.cells.length * hidden, 1);
  }

  /** Logits [B, H, W, 1]: is another cell of my row or column marked? */
  forward(x: Tensor): Tensor {
    return this.readout.forward(this.rnn.forward(x));
  }
}

/** How long and how big an experiment is. */
export interface ExperimentOptions {
  readonly size: number;
  readonly trainSize: number;
  readonly heldOutSize: number;
  readonly epochs: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** Called after each epoch with a progress line. */
  readonly log?: (line: string) => void;
}

/** Generated training and held-out grids. */
export class Experiment {
  readonly train: GridBatch;
  readonly heldOut: GridBatch;

  constructor(readonly options: ExperimentOptions) {
    const g = new Generator((options.seed ?? 1) + 11);
    this.train = makeGrids(options.trainSize, options.size, g);
    this.heldOut = makeGrids(options.heldOutSize, options.size, g);
  }

  /** A fresh model from `make`, its weights drawn from the experiment's seed. */
  model(make: () => GridTagger): GridTagger {
    seed(this.options.seed ?? 1);
    return make();
  }

  /** Per-cell accuracy on the held-out grids. */
  accuracy(model: GridTagger, data: GridBatch = this.heldOut): number {
    return noGrad(() => mean(eq(gt(model.forward(data.x), 0), data.y)).item());
  }

  /** Trains `model` with Adam and per-cell binary cross-entropy, logging one line per epoch. */
  fit(name: string, model: GridTagger): GridTagger {
    const { epochs, batch = 32, lr = 0.02, log } = this.options;
    const optimizer = new Adam(model.parameters(), { lr });
    const n = this.train.x.shape[0]!;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      let lossSum = 0;
      for (let i = 0; i < n; i += batch) {
        const part = (t: Tensor) => slice(t, [i], [Math.min(n, i + batch)]);
        const loss = bceWithLogits(model.forward(part(this.train.x)), part(this.train.y));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        lossSum += loss.item();
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const loss = (lossSum / Math.ceil(n / batch)).toFixed(4);
      log?.(
        `${name.padEnd(10)} epoch ${epoch}/${epochs}  loss ${loss}  held-out cell accuracy ${percent(this.accuracy(model))}  (${seconds} s)`,
      );
    }
    return model;
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
