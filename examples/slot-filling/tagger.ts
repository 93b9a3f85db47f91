// The taggers compared by the demo: Embedding → recurrent encoder → Linear, scoring every word's tag.
import { type Tensor } from '@loom/core';
import { Bidirectional, Embedding, LSTMCell, Linear, Module, RNNCell, Recurrent } from '@loom/layers';
import { TAGS } from './corpus.js';

/** Sizes of a tagger. */
export interface TaggerSizes {
  readonly vocabulary: number;
  readonly embedding: number;
  readonly hidden: number;
}

/** A sequence tagger: ids [T, B] and lengths in, tag scores [T, B, tags] out. */
export abstract class Tagger extends Module {
  abstract forward(ids: number[][], lengths: readonly number[]): Tensor;
}

/** Embedding → bidirectional LSTM (both directions concatenated) → Linear. */
export class BiLSTMTagger extends Tagger {
  readonly embed: Embedding;
  readonly encoder: Bidirectional<[Tensor, Tensor]>;
  readonly out: Linear;

  constructor({ vocabulary, embedding, hidden }: TaggerSizes) {
    super();
    this.embed = new Embedding(vocabulary, embedding, { paddingIdx: 0 });
    this.encoder = new Bidirectional(
      new Recurrent(new LSTMCell(embedding, hidden)),
      new Recurrent(new LSTMCell(embedding, hidden), { reverse: true }),
    );
    this.out = new Linear(2 * hidden, TAGS.length);
  }

  forward(ids: number[][], lengths: readonly number[]): Tensor {
    return this.out.forward(this.encoder.forward(this.embed.forward(ids), undefined, { lengths }).outputs);
  }
}

/** The baseline: Embedding → left-to-right Elman RNN → Linear. It sees only the words before each position. */
export class ElmanTagger extends Tagger {
  readonly embed: Embedding;
  readonly encoder: Recurrent<Tensor>;
  readonly out: Linear;

  constructor({ vocabulary, embedding, hidden }: TaggerSizes) {
    super();
    this.embed = new Embedding(vocabulary, embedding, { paddingIdx: 0 });
    this.encoder = new Recurrent(new RNNCell(embedding, hidden));
    this.out = new Linear(hidden, TAGS.length);
  }

  forward(ids: number[][], lengths: readonly number[]): Tensor {
    return this.out.forward(this.encoder.forward(this.embed.forward(ids), undefined, { lengths }).outputs);
  }
}
