import { ShapeError, ValueError, concat, expand, gather, noGrad, reshape, stack, unsqueeze, zeros, type Tensor } from '@loom/core';
import type { Cell, State } from '../cell.js';
import type { Embedding } from '../embedding.js';
import type { Linear } from '../linear.js';
import { Module } from '../module.js';
import { Recurrent } from '../recurrent.js';
import { checkTokens, outputWidth, selectRows } from './_tokens.js';
import { greedyDecode, type StepDecoder } from './decode.js';

/** A batch of documents: `documents[b][n]` is sentence n of document b, a list of token ids (at least one each). */
export type Documents = readonly (readonly (readonly number[])[])[];

/** The parts of a {@link HierarchicalAutoencoder}. */
export interface HierarchicalAutoencoderOptions {
  /** Word vectors (E wide, V rows), shared by both sides. */
  readonly embedding: Embedding;
  /** Words → sentence vector u_n (E → Hw). */
  readonly wordEncoder: Cell<State>;
  /** Sentence vectors → document vector d (Hw → Hs). */
  readonly sentenceEncoder: Cell<State>;
  /** d → one plan p_n per sentence (Hs → Hp). */
  readonly sentenceDecoder: Cell<State>;
  /** Writes each sentence's words from its plan (E + Hp → Ho). */
  readonly wordDecoder: Cell<State>;
  /** Next-word scores, Ho → V. */
  readonly output: Linear;
  /** Start token of every sentence. */
  readonly bos: number;
  /** End token of every sentence. */
  readonly eos: number;
  /** Padding token of the targets; use it as the loss's `ignoreIndex`. */
  readonly pad: number;
}

/** What {@link HierarchicalAutoencoder.encode} returns. */
export interface HierarchicalCode {
  /** u: one vector per sentence, in reading order (document 0's sentences, then document 1's, …), [M, Hw]. */
  readonly sentences: Tensor;
  /** d: one vector per document, [B, Hs]. */
  readonly documents: Tensor;
}

/** What {@link HierarchicalAutoencoder.forward} returns. */
export interface HierarchicalReconstruction {
  /** Next-word scores of every sentence in reading order, [L + 1, M, V] (L: the longest sentence). */
  readonly logits: Tensor;
  /** What they should predict, [L + 1][M]: each sentence's words, `eos`, then `pad`. */
  readonly targets: number[][];
}

/** A flattened batch: every sentence as one row of a [L][M] word matrix, and where each (document, sentence) sits. */
interface Layout {
  readonly words: number[][];
  readonly wordLengths: number[];
  readonly sentenceCounts: number[];
  /** Row m of each (n, b), time-major [N][B], or M (a zero row) past document b's last sentence. */
  readonly grid: number[][];
}

/**
 * Hierarchical sequence auto-encoder (after Li, Luong & Jurafsky 2015, without attention): words → sentence vectors
 * → one document vector, and back. Every layer is a plain {@link Recurrent} over any cell, with lengths at both levels.
 *
 * ```text
 * u_n = wordEncoder(e(w_{n,1} … w_{n,L_n}))     the last real output, one per sentence
 * d   = sentenceEncoder(u_1 … u_N)              the last real output, one per document
 * p_n = sentenceDecoder(d, p-state_{n−1})       n = 1 … N (d read at every step)
 * (o_{n,t}, s_t) = wordDecoder([e(w_{n,t−1}); p_n], s_{t−1}),   logits = output(o_{n,t}),   w_{n,0} = bos
 * ```
 *
 * The decoder writes as many sentences as the document had (N is given, not predicted); each sentence ends with
 * `eos`. Shapes: documents [B][N_b][L_n] token ids; u [M, Hw] (M = Σ N_b); d [B, Hs]; logits [L + 1, M, V].
 *
 * @example
 * ```ts
 * const hae = new HierarchicalAutoencoder({
 *   embedding: new Embedding(20, 8), wordEncoder: new GRUCell(8, 32), sentenceEncoder: new GRUCell(32, 32),
 *   sentenceDecoder: new GRUCell(32, 32), wordDecoder: new GRUCell(8 + 32, 32), output: new Linear(32, 20),
 *   bos: 1, eos: 2, pad: 0,
 * });
 * const { logits, targets } = hae.forward([[[5, 6, 7], [8, 9]], [[10, 11]]]);
 * const loss = crossEntropy(logits, targets, { ignoreIndex: 0 });
 * ```
 */
export class HierarchicalAutoencoder extends Module {
  /** Word vectors. */
  readonly embedding: Embedding;
  /** Words → sentence vector. */
  readonly wordEncoder: Cell<State>;
  /** Sentence vectors → document vector. */
  readonly sentenceEncoder: Cell<State>;
  /** Document vector → sentence plans. */
  readonly sentenceDecoder: Cell<State>;
  /** Sentence plan → words. */
  readonly wordDecoder: Cell<State>;
  /** Next-word scores. */
  readonly output: Linear;
  /** Start token of every sentence. */
  readonly bos: number;
  /** End token of every sentence. */
  readonly eos: number;
  /** Padding token of the targets. */
  readonly pad: number;

  /** Assembles the auto-encoder and checks that the sizes of its parts chain up. */
  constructor(options: HierarchicalAutoencoderOptions) {
    super();
    const name = 'HierarchicalAutoencoder';
    ({ embedding: this.embedding, output: this.output } = options);
    ({ wordEncoder: this.wordEncoder, sentenceEncoder: this.sentenceEncoder } = options);
    ({ sentenceDecoder: this.sentenceDecoder, wordDecoder: this.wordDecoder } = options);
    const { bos, eos, pad } = options;
    const v = this.embedding.count;
    for (const [what, id] of [
      ['bos', bos],
      ['eos', eos],
      ['pad', pad],
    ] as const) {
      if (!Number.isInteger(id) || id < 0 || id >= v) {
        throw new ValueError(`${name}: ${what} token ${id} is not in the vocabulary 0…${v - 1}`);
      }
    }
    [this.bos, this.eos, this.pad] = [bos, eos, pad];
    if (this.output.outFeatures !== v) {
      throw new ShapeError(`${name}: output gives ${this.output.outFeatures} scores but the vocabulary has ${v}`);
    }
    const [dtype, e] = [this.embedding.weight.dtype, this.embedding.dim];
    const hw = outputWidth(name, 'word encoder', this.wordEncoder, e, dtype);
    const hs = outputWidth(name, 'sentence encoder', this.sentenceEncoder, hw, dtype);
    const hp = outputWidth(name, 'sentence decoder', this.sentenceDecoder, hs, dtype);
    const ho = outputWidth(name, 'word decoder', this.wordDecoder, e + hp, dtype);
    if (this.output.inFeatures !== ho) {
      throw new ShapeError(`${name}: output takes ${this.output.inFeatures} features but the word decoder gives ${ho}`);
    }
  }

  /** The sentence vectors u and document vectors d of `documents`. */
  encode(documents: Documents): HierarchicalCode {
    return this.encodeLayout(this.layout(documents));
  }

  /** Teacher-forced reconstruction of every sentence of every document. */
  forward(documents: Documents): HierarchicalReconstruction {
    const layout = this.layout(documents);
    const plans = this.plans(layout);
    const { words, wordLengths } = layout;
    const { bos, eos, pad } = this;
    const targets = Array.from({ length: words.length + 1 }, (_, t) =>
      wordLengths.map((n, m) => (t < n ? words[t]![m]! : t === n ? eos : pad)),
    );
    let state = this.wordDecoder.initialState(plans.shape[0]!);
    const logits: Tensor[] = [];
    for (let t = 0; t < targets.length; t++) {
      const out = this.wordStep(t === 0 ? wordLengths.map(() => bos) : targets[t - 1]!, state, plans);
      logits.push(out.logits);
      state = out.state;
    }
    return { logits: stack(logits, 0), targets };
  }

  /** Greedy reconstructions, `[b][n]` token lists each ending with `eos` (unless cut at `maxLength`, default L + 1). */
  reconstruct(documents: Documents, maxLength?: number): number[][][] {
    const layout = this.layout(documents);
    const plans = noGrad(() => this.plans(layout));
    type WordState = { readonly cell: State; readonly plans: Tensor };
    const decoder: StepDecoder<WordState> = {
      batch: plans.shape[0]!,
      vocabSize: this.embedding.count,
      bos: this.bos,
      eos: this.eos,
      initial: { cell: this.wordDecoder.initialState(plans.shape[0]!), plans },
      step: (tokens, s) => {
        const out = this.wordStep(tokens, s.cell, s.plans);
        return { logits: out.logits, state: { cell: out.state, plans: s.plans } };
      },
      select: (s, rows) => ({ cell: selectRows(s.cell, rows), plans: gather(s.plans, rows, 0) }),
    };
    const { sequences } = greedyDecode(decoder, { maxLength: maxLength ?? layout.words.length + 1 });
    let next = 0;
    return layout.sentenceCounts.map((n) => sequences.slice(next, (next += n)));
  }

  /** One word-decoder step for every sentence row. */
  private wordStep(tokens: readonly number[], state: State, plans: Tensor): { logits: Tensor; state: State } {
    const [o, next] = this.wordDecoder.step(concat([this.embedding.forward([...tokens]), plans], -1), state);
    return { logits: this.output.forward(o), state: next };
  }

  /** u and d from a layout. */
  private encodeLayout({ words, wordLengths, sentenceCounts, grid }: Layout): HierarchicalCode {
    const x = this.embedding.forward(words);
    const sentences = lastReal(new Recurrent(this.wordEncoder).forward(x, undefined, { lengths: wordLengths }).outputs, wordLengths);
    const width = sentences.shape[1]!;
    const padded = concat([sentences, zeros([1, width], { dtype: sentences.dtype })], 0); // row M: zeros for missing sentences
    const steps = reshape(gather(padded, grid.flat(), 0), [grid.length, sentenceCounts.length, width]);
    const documents = lastReal(
      new Recurrent(this.sentenceEncoder).forward(steps, undefined, { lengths: sentenceCounts }).outputs,
      sentenceCounts,
    );
    return { sentences, documents };
  }

  /** p: one plan per sentence row, [M, Hp]. */
  private plans(layout: Layout): Tensor {
    const { documents } = this.encodeLayout(layout);
    const { grid, sentenceCounts } = layout;
    const [n, b] = [grid.length, sentenceCounts.length];
    const input = expand(unsqueeze(documents, 0), [n, b, documents.shape[1]!]);
    const { outputs } = new Recurrent(this.sentenceDecoder).forward(input, undefined, { lengths: sentenceCounts });
    const rows = sentenceCounts.flatMap((count, d) => Array.from({ length: count }, (_, s) => s * b + d));
    return gather(reshape(outputs, [n * b, outputs.shape[2]!]), rows, 0);
  }

  /** Checks `documents` and lays their sentences out as rows. */
  private layout(documents: Documents): Layout {
    const name = 'HierarchicalAutoencoder';
    if (documents.length === 0) throw new ShapeError(`${name}: needs at least one document`);
    const sentences: (readonly number[])[] = [];
    documents.forEach((doc, b) => {
      if (doc.length === 0) throw new ValueError(`${name}: document ${b} has no sentences`);
      doc.forEach((s, n) => {
        if (s.length === 0) throw new ValueError(`${name}: sentence ${n} of document ${b} is empty`);
        sentences.push(s);
      });
    });
    const wordLengths = sentences.map((s) => s.length);
    const words = Array.from({ length: Math.max(...wordLengths) }, (_, t) => sentences.map((s) => s[t] ?? this.pad));
    checkTokens(name, 'words', words, this.embedding.count);
    const sentenceCounts = documents.map((d) => d.length);
    const starts = sentenceCounts.map((_, b) => sentenceCounts.slice(0, b).reduce((x, y) => x + y, 0));
    const grid = Array.from({ length: Math.max(...sentenceCounts) }, (_, n) =>
      sentenceCounts.map((count, b) => (n < count ? starts[b]! + n : sentences.length)),
    );
    return { words, wordLengths, sentenceCounts, grid };
  }
}

/** Each column's last real output of `outputs` [T, B, H], [B, H]. */
function lastReal(outputs: Tensor, lengths: readonly number[]): Tensor {
  const [steps, batch, width] = outputs.shape as [number, number, number];
  return gather(
    reshape(outputs, [steps * batch, width]),
    lengths.map((n, b) => (n - 1) * batch + b),
    0,
  );
}
