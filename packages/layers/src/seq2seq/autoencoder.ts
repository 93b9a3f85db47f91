import { ValueError, type Tensor } from '@loom/core';
import type { Cell, State } from '../cell.js';
import type { Embedding } from '../embedding.js';
import type { InitOptions } from '../init.js';
import type { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { TokenMatrix } from './_tokens.js';
import { greedyDecode } from './decode.js';
import { Seq2Seq, type Bridge, type ContextMode, type Seq2SeqForwardOptions } from './seq2seq.js';

/** The parts and options of a {@link SequenceAutoencoder}. */
export interface SequenceAutoencoderOptions<SE extends State, SD extends State> extends InitOptions {
  /** Token vectors, shared by encoder and decoder (V rows). */
  readonly embedding: Embedding;
  /** Reads the sequence into the code. */
  readonly encoder: Cell<SE>;
  /** Writes it back from the code. */
  readonly decoder: Cell<SD>;
  /** Next-token scores, Hd → V. */
  readonly output: Linear;
  /** As {@link Seq2SeqOptions.context}. Default `'state'`. */
  readonly context?: ContextMode;
  /** As {@link Seq2SeqOptions.bridge}. Default `'copy'`. */
  readonly bridge?: Bridge;
  /** Start token. */
  readonly bos: number;
  /** End token, appended to every reconstruction target. */
  readonly eos: number;
  /** Padding token: fills the targets past each sequence's end; use it as the loss's `ignoreIndex`. */
  readonly pad: number;
}

/** What {@link SequenceAutoencoder.forward} returns. */
export interface ReconstructionOutput {
  /** Next-token scores, [S + 1, B, V]. */
  readonly logits: Tensor;
  /** What they should predict, [S + 1][B]: each sequence, then `eos`, then `pad`. */
  readonly targets: number[][];
}

/**
 * Sequence auto-encoder (Dai & Le 2015): the encoder reads a sequence into one vector, the code c (its last real
 * output), and a decoder without attention has to write the sequence back from c alone, so c must hold all of it.
 * A {@link Seq2Seq} whose target is its own source followed by `eos`:
 *
 * ```text
 * c = encoder(e(x_1 … x_n))          (x̂_1 … x̂_n, eos) = decoder(c)
 * ```
 *
 * Shapes: source [S][B] token ids (time-major); code [B, He]; logits [S + 1, B, V].
 *
 * @example
 * ```ts
 * const ae = new SequenceAutoencoder({
 *   embedding: new Embedding(13, 16), encoder: new LSTMCell(16, 64), decoder: new LSTMCell(16, 64),
 *   output: new Linear(64, 13), bos: 1, eos: 2, pad: 0,
 * });
 * const { logits, targets } = ae.forward(source, { sourceLengths });
 * const loss = crossEntropy(logits, targets, { ignoreIndex: 0 });
 * const code = ae.encode(source, sourceLengths); // [B, 64]
 * ```
 */
export class SequenceAutoencoder<SE extends State = State, SD extends State = State> extends Module {
  /** The encoder–decoder that does the work. */
  readonly model: Seq2Seq<SE, SD>;
  /** The padding token. */
  readonly pad: number;

  /** Assembles the auto-encoder; see {@link SequenceAutoencoderOptions}. */
  constructor(options: SequenceAutoencoderOptions<SE, SD>) {
    super();
    const { embedding, pad } = options;
    if (!Number.isInteger(pad) || pad < 0 || pad >= embedding.count) {
      throw new ValueError(`SequenceAutoencoder: pad token ${pad} is not in the vocabulary 0…${embedding.count - 1}`);
    }
    this.pad = pad;
    this.model = new Seq2Seq({ ...options, sourceEmbedding: embedding });
  }

  /** The code c of each sequence, [B, He]; `lengths` are the real steps (1…S). */
  encode(source: TokenMatrix, lengths?: readonly number[]): Tensor {
    return this.model.encode(source, lengths).summary;
  }

  /** Teacher-forced (or scheduled-sampling) reconstruction of `source`; see {@link Seq2Seq.forward}. */
  forward(source: TokenMatrix, options: Seq2SeqForwardOptions = {}): ReconstructionOutput {
    const steps = source.length;
    const lengths = options.sourceLengths ?? (source[0] ?? []).map(() => steps);
    if (lengths.some((n) => !Number.isInteger(n) || n < 1 || n > steps)) {
      throw new ValueError(`SequenceAutoencoder.forward: source lengths [${lengths.join(',')}] must be whole numbers in 1…${steps} (S)`);
    }
    const targets = Array.from({ length: steps + 1 }, (_, t) =>
      lengths.map((n, b) => (t < n ? source[t]![b]! : t === n ? this.model.eos : this.pad)),
    );
    return { logits: this.model.forward(source, targets, options).logits, targets };
  }

  /** Greedy reconstructions (each ending with `eos` unless cut at `maxLength`, by default S + 1). */
  reconstruct(source: TokenMatrix, options: { readonly sourceLengths?: readonly number[]; readonly maxLength?: number } = {}): number[][] {
    const decoder = this.model.startDecoding(source, options);
    return greedyDecode(decoder, { maxLength: options.maxLength ?? source.length + 1 }).sequences;
  }
}
