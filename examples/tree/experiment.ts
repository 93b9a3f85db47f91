// Training and evaluation of the tree models and the bag-of-words baseline, shared by the demo (main.ts) and its test.
import { Generator, argmax, noGrad, seed, tanh, tensor, type Tensor } from '@loom/core';
import { Adam, Embedding, Linear, Module, RecursiveCell, TreeClassifier, TreeLSTMCell, TreeNetwork, crossEntropy } from '@loom/layers';
import { WORDS, makeTreebank, words, type LabelledTree } from './sentiment.js';

/** A model that gives class logits [B, 2] for a batch of trees. */
export interface TreeModel extends Module {
  forward(trees: readonly LabelledTree[]): Tensor;
}

/** The baseline: word counts → tanh layer → logits. It sees which words occur, not how they are grouped. */
export class BagOfWords extends Module implements TreeModel {
  readonly hidden = new Linear(WORDS.length, 16);
  readonly out = new Linear(16, 2);
  forward(trees: readonly LabelledTree[]): Tensor {
    const counts = trees.map((t) => WORDS.map((_, w) => words(t).filter((x) => x === w).length));
    return this.out.forward(tanh(this.hidden.forward(tensor(counts))));
  }
}

/** A Tree-LSTM classifier: word vectors of 16, 24 hidden units. */
export const treeLSTM = (): TreeModel => new TreeClassifier(new TreeNetwork(new Embedding(WORDS.length, 16), new TreeLSTMCell(16, 24)), 2);

/** A plain recursive network (Socher et al. 2011) classifier: word and phrase vectors of 16. */
export const recursiveNN = (): TreeModel => new TreeClassifier(new TreeNetwork(new Embedding(WORDS.length, 16), new RecursiveCell(16)), 2);

/** How long and how big an experiment is. */
export interface ExperimentOptions {
  readonly trainSize: number;
  readonly heldOutSize: number;
  readonly epochs: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** Called after each epoch with a progress line. */
  readonly log?: (line: string) => void;
}

/** A generated treebank and the randomness that shuffles it. */
export class Experiment {
  readonly g: Generator;
  readonly train: LabelledTree[];
  readonly heldOut: LabelledTree[];

  constructor(readonly options: ExperimentOptions) {
    this.g = new Generator((options.seed ?? 1) + 7);
    this.train = makeTreebank(options.trainSize, this.g);
    this.heldOut = makeTreebank(options.heldOutSize, this.g);
  }

  /** A fresh model from `make`, its weights drawn from the experiment's seed. */
  model(make: () => TreeModel): TreeModel {
    seed(this.options.seed ?? 1);
    return make();
  }

  /** Root accuracy on `trees` (held-out by default). */
  accuracy(model: TreeModel, trees: readonly LabelledTree[] = this.heldOut): number {
    const predicted = noGrad(() => argmax(model.forward(trees), -1)).toArray() as number[];
    return predicted.filter((p, i) => p === trees[i]!.label).length / trees.length;
  }

  /** Trains `model` with Adam and cross-entropy on the roots' labels, logging one line per epoch. */
  fit(name: string, model: TreeModel): TreeModel {
    const { epochs, batch = 25, lr = 0.02, log } = this.options;
    const optimizer = new Adam(model.parameters(), { lr });
    const order = this.train.map((_, i) => i);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = this.g.int(0, i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      for (let i = 0; i < order.length; i += batch) {
        const trees = order.slice(i, i + batch).map((k) => this.train[k]!);
        const loss = crossEntropy(
          model.forward(trees),
          trees.map((t) => t.label),
        );
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        lossSum += loss.item();
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const loss = (lossSum / Math.ceil(order.length / batch)).toFixed(4);
      log?.(
        `${name.padEnd(12)} epoch ${epoch}/${epochs}  loss ${loss}  held-out accuracy ${percent(this.accuracy(model))}  (${seconds} s)`,
      );
    }
    return model;
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
