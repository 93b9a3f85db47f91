import { Generator, seed, type Tensor } from '@loom/core';
import { DataLoader, LSTMCell, Linear, Module, Recurrent, padCollate, type PaddedSequences } from '@loom/layers';

/** Symbols of the "remember the first symbol" task: the first step is one of CLASSES, later steps any of SYMBOLS. */
export const [CLASSES, SYMBOLS] = [3, 4];

/**
 * A sequence-classification task that needs memory and handles variable lengths: a sequence of 2…`maxLength`
 * one-hot symbols, labelled with its first symbol. The label is only visible at step 0, so the model must carry it
 * through every later (random) step to its final state.
 */
export function firstSymbolTask(count: number, g: Generator, maxLength = 8): { inputs: number[][][]; targets: number[] } {
  const inputs: number[][][] = [];
  const targets: number[] = [];
  for (let n = 0; n < count; n++) {
    const length = g.int(2, maxLength + 1);
    const first = g.int(0, CLASSES);
    const symbols = [first, ...Array.from({ length: length - 1 }, () => g.int(0, SYMBOLS))];
    inputs.push(symbols.map((s) => Array.from({ length: SYMBOLS }, (_, k) => (k === s ? 1 : 0))));
    targets.push(first);
  }
  return { inputs, targets };
}

/** LSTM over the padded batch (final state after each sequence's last real step) → Linear to class scores. */
export class SequenceClassifier extends Module {
  readonly rnn = new Recurrent(new LSTMCell(SYMBOLS, 12), { returnSequences: false });
  readonly head = new Linear(12, CLASSES);

  forward({ padded, lengths }: PaddedSequences): Tensor {
    return this.head.forward(this.rnn.forward(padded, undefined, { lengths }).outputs);
  }
}

/** The task's loaders and a fresh model, all from `seedValue`. */
export function setup(seedValue: number, trainSize = 240, validationSize = 120) {
  seed(seedValue);
  const g = new Generator(seedValue);
  const train = firstSymbolTask(trainSize, g);
  const heldOut = firstSymbolTask(validationSize, g);
  const loader = new DataLoader(train, {
    batchSize: 16,
    shuffle: true,
    generator: new Generator(seedValue + 1),
    collate: padCollate<number>(),
  });
  const validation = new DataLoader(heldOut, { batchSize: 60, collate: padCollate<number>() });
  return { loader, validation, model: new SequenceClassifier() };
}
