// Training and evaluation of the slot-filling taggers, shared by the demo (main.ts) and its test.
import { Generator, argmax, noGrad, seed } from '@loom/core';
import { Adam, crossEntropy } from '@loom/layers';
import { TAGS, Vocabulary, makeCorpus, type Sentence } from './corpus.js';
import type { Tagger, TaggerSizes } from './tagger.js';

/** PyTorch's default ignore index: padded positions carry no loss. */
const PAD_TAG = -100;

/** How long and how big an experiment is. */
export interface ExperimentOptions {
  readonly trainSize: number;
  readonly heldOutSize: number;
  readonly epochs: number;
  readonly batch?: number;
  readonly seed?: number;
  /** Called after each epoch with a progress line. */
  readonly log?: (line: string) => void;
}

/** A corpus, its vocabulary, and the randomness that shuffles and drops words. */
export class Experiment {
  readonly g: Generator;
  readonly train: Sentence[];
  readonly heldOut: Sentence[];
  readonly vocab: Vocabulary;

  constructor(readonly options: ExperimentOptions) {
    seed(options.seed ?? 2); // weights: the global generator
    this.g = new Generator((options.seed ?? 2) + 5); // data, shuffling and word dropout
    this.train = makeCorpus(options.trainSize, this.g);
    this.heldOut = makeCorpus(options.heldOutSize, this.g, true);
    this.vocab = new Vocabulary(this.train);
  }

  /** Tagger sizes for this corpus. */
  sizes(embedding = 24, hidden = 32): TaggerSizes {
    return { vocabulary: this.vocab.size, embedding, hidden };
  }

  /**
   * A batch as time-major id and tag matrices [T][B], padded to its longest sentence. In training, each word
   * becomes the unknown id with probability `unknownRate` (word dropout), so the model learns to tag unknown
   * words, such as the held-out cities, from their context.
   */
  batchOf(sentences: readonly Sentence[], unknownRate = 0) {
    const lengths = sentences.map((s) => s.words.length);
    const steps = Math.max(...lengths);
    const id = (word: string) => (unknownRate > 0 && this.g.uniform() < unknownRate ? 1 : this.vocab.id(word));
    const ids = Array.from({ length: steps }, (_, t) => sentences.map((s) => (t < s.words.length ? id(s.words[t]!) : 0)));
    const tags = Array.from({ length: steps }, (_, t) => sentences.map((s) => (t < s.tags.length ? TAGS.indexOf(s.tags[t]!) : PAD_TAG)));
    return { ids, tags, lengths };
  }

  /** The tag each word of each sentence gets. */
  tag(model: Tagger, sentences: readonly Sentence[]): number[][] {
    const { ids, lengths } = this.batchOf(sentences);
    const predicted = noGrad(() => argmax(model.forward(ids, lengths), -1)).toArray() as number[][];
    return sentences.map((s, b) => s.words.map((_, t) => predicted[t]![b]!));
  }

  /** Token accuracy on `sentences` (held-out by default). */
  accuracy(model: Tagger, sentences: readonly Sentence[] = this.heldOut): number {
    let right = 0;
    let total = 0;
    for (let i = 0; i < sentences.length; i += 100) {
      const part = sentences.slice(i, i + 100);
      this.tag(model, part).forEach((tags, b) =>
        tags.forEach((tag, t) => {
          total += 1;
          if (TAGS[tag] === part[b]!.tags[t]) right += 1;
        }),
      );
    }
    return right / total;
  }

  /** Trains `model` with Adam and cross-entropy over time, logging one line per epoch. */
  fit(name: string, model: Tagger): Tagger {
    const { epochs, batch = 32, log } = this.options;
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const order = this.train.map((_, i) => i);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = this.g.int(0, i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      for (let i = 0; i < order.length; i += batch) {
        const { ids, tags, lengths } = this.batchOf(
          order.slice(i, i + batch).map((k) => this.train[k]!),
          0.1,
        );
        const loss = crossEntropy(model.forward(ids, lengths), tags, { ignoreIndex: PAD_TAG });
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        lossSum += loss.item();
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const loss = (lossSum / Math.ceil(order.length / batch)).toFixed(4);
      log?.(`${name.padEnd(8)} epoch ${epoch}/${epochs}  loss ${loss}  held-out accuracy ${percent(this.accuracy(model))}  (${seconds} s)`);
    }
    return model;
  }
}

/** 0.9712 → "97.1%". */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
