import {
  LoomError,
  ShapeError,
  ValueError,
  Tensor,
  concat,
  gather,
  noGrad,
  reshape,
  slice,
  stack,
  tanh,
  transpose,
  type Generator,
} from '@loom/core';
import type { Cell, State } from '../cell.js';
import type { Embedding } from '../embedding.js';
import type { InitOptions } from '../init.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { Recurrent } from '../recurrent.js';
import { shapesOf } from '../state.js';
import { argmaxOf } from './_decoding.js';
import { checkTokens, outputWidth, selectRows, type TokenMatrix } from './_tokens.js';
import type { Attention, AttentionMemory } from './attention.js';
import type { DecoderStep, StepDecoder } from './decode.js';

/** Where the decoder reads the encoder's summary c: from its initial state, or appended to every input. */
export type ContextMode = 'state' | 'input';

/** How {@link Seq2Seq} turns the encoder into the decoder's initial state in `'state'` mode. */
export type Bridge = 'copy' | 'linear';

/** The parts and options of a {@link Seq2Seq}. */
export interface Seq2SeqOptions<SE extends State, SD extends State> extends InitOptions {
  /** Source token vectors (E_s wide). */
  readonly sourceEmbedding: Embedding;
  /** Target token vectors (E_t wide, V rows); the source embedding (shared) when absent. */
  readonly targetEmbedding?: Embedding;
  /** Reads the embedded source; any cell. */
  readonly encoder: Cell<SE>;
  /** Writes the target; any cell taking E_t features (E_t + He in `'input'` mode). */
  readonly decoder: Cell<SD>;
  /** Next-token scores from the decoder's (attentional) output: Hd → V. */
  readonly output: Linear;
  /** Attention over the encoder outputs (query size Hd, key size He); none when absent. */
  readonly attention?: Attention;
  /** `'state'` (default): c starts the decoder; `'input'`: the decoder starts from zeros and reads [e_t; c] each step. */
  readonly context?: ContextMode;
  /** In `'state'` mode: `'copy'` (default) the encoder's final state, or `'linear'`: tanh(W_k c + b_k) per state tensor. */
  readonly bridge?: Bridge;
  /** The start token fed first. */
  readonly bos: number;
  /** The end token. */
  readonly eos: number;
}

/** Options of {@link Seq2Seq.forward}. */
export interface Seq2SeqForwardOptions {
  /** Real source steps per sequence (each in 1…S); all S when absent. */
  readonly sourceLengths?: readonly number[];
  /** Scheduled sampling: probability of feeding the model's own last prediction instead of the target. Default 0. */
  readonly samplingProbability?: number;
  /** The coin flips of scheduled sampling (needed when `samplingProbability` > 0). */
  readonly generator?: Generator;
}

/** What {@link Seq2Seq.forward} returns. */
export interface Seq2SeqOutput {
  /** Next-token scores at every target step, [T, B, V]. */
  readonly logits: Tensor;
  /** Attention weights α, [T, B, S], or null without attention. */
  readonly attention: Tensor | null;
}

/** The encoded source: what {@link Seq2Seq.encode} returns. */
export interface EncodedSource<SE extends State> {
  /** Encoder outputs h_s, batch-first [B, S, He] (zeros on padding). */
  readonly outputs: Tensor;
  /** c: each sequence's last real encoder output, [B, He]. */
  readonly summary: Tensor;
  /** The encoder's state after each sequence's last real step. */
  readonly state: SE;
  /** The outputs prepared for attention, or null without attention. */
  readonly memory: AttentionMemory | null;
}

/** The decoder's state for N rows: its cell state and the rows of the encoded source it reads. */
export interface Seq2SeqState<SD extends State> {
  /** The decoder cell's state. */
  readonly cell: SD;
  /** The encoder summary c, [N, He]. */
  readonly summary: Tensor;
  /** The attention memory rows, or null. */
  readonly memory: AttentionMemory | null;
}

/**
 * Encoder–decoder (Sutskever et al. 2014; Cho et al. 2014) with optional attention (Luong et al. 2015), built from
 * any two cells. With e(·) the embeddings, y_0 = `bos` and y_{t−1} the previous target (teacher forcing) or, with
 * scheduled sampling, the model's previous argmax:
 *
 * ```text
 * (h_s, ·) = encoder(e(x_s), ·)     s = 1 … S;   c = h_{S_b} (each sequence's last real output)
 * s_0 = encoder state ('copy') | tanh(W_k c + b_k) per state tensor ('linear') | 0 ('input' mode)
 * (o_t, s_t) = decoder(e(y_{t−1}), s_{t−1})       or decoder([e(y_{t−1}); c], s_{t−1}) in 'input' mode
 * (a_t, α_t) = attention(o_t, h, mask)            with attention:   õ_t = tanh(W_c [a_t; o_t] + b_c)
 * logits_t = output(õ_t)                          without attention: logits_t = output(o_t)
 * ```
 *
 * The two cells may differ: in `'input'` mode nothing joins their states; `'linear'` bridges any two; `'copy'` needs
 * states of the same shapes (checked at construction). Sizes He and Hd are found by running one step of each cell
 * on zeros at construction, so user cells need no size fields.
 *
 * Shapes: source [S][B] and targets [T][B] token ids (time-major arrays); logits [T, B, V]; attention [T, B, S].
 * Parameters: the embeddings, the cells, `output`, `attention`, `combine` (W_c [Hd, He + Hd]) and `bridges`.
 *
 * @example
 * ```ts
 * const model = new Seq2Seq({
 *   sourceEmbedding: new Embedding(13, 16), encoder: new GRUCell(16, 32), decoder: new LSTMCell(16, 32),
 *   attention: new Attention(32, 32, { kind: 'additive' }), output: new Linear(32, 13), bridge: 'linear', bos: 1, eos: 2,
 * });
 * const { logits } = model.forward(source, targets, { sourceLengths });
 * const loss = crossEntropy(logits, targets, { ignoreIndex: 0 });
 * ```
 */
export class Seq2Seq<SE extends State = State, SD extends State = State> extends Module {
  /** Source token vectors. */
  readonly sourceEmbedding: Embedding;
  /** Target token vectors (possibly the same object as the source's). */
  readonly targetEmbedding: Embedding;
  /** The encoder cell. */
  readonly encoder: Cell<SE>;
  /** The decoder cell. */
  readonly decoder: Cell<SD>;
  /** Attention over the encoder outputs, or null. */
  readonly attention: Attention | null;
  /** W_c: [a_t; o_t] → õ_t, with attention; else null. */
  readonly combine: Linear | null;
  /** W_k, one per decoder state tensor, with the `'linear'` bridge; else empty. */
  readonly bridges: Linear[];
  /** The next-token scores. */
  readonly output: Linear;
  /** Where the decoder reads c. */
  readonly context: ContextMode;
  /** How c starts the decoder in `'state'` mode; null in `'input'` mode. */
  readonly bridge: Bridge | null;
  /** Start token. */
  readonly bos: number;
  /** End token. */
  readonly eos: number;
  /** Target vocabulary size V. */
  readonly vocabSize: number;

  /** Assembles the model and checks that its parts fit; see {@link Seq2SeqOptions}. */
  constructor(options: Seq2SeqOptions<SE, SD>) {
    super();
    const name = 'Seq2Seq';
    this.sourceEmbedding = options.sourceEmbedding;
    this.targetEmbedding = options.targetEmbedding ?? options.sourceEmbedding;
    this.encoder = options.encoder;
    this.decoder = options.decoder;
    this.output = options.output;
    this.attention = options.attention ?? null;
    this.context = options.context ?? 'state';
    if (!['state', 'input'].includes(this.context)) {
      throw new ValueError(`${name}: context must be 'state' or 'input', got '${this.context}'`);
    }
    if (this.context === 'input' && options.bridge !== undefined) {
      throw new ValueError(
        `${name}: bridge '${options.bridge}' applies only with context 'state'; in 'input' mode the decoder starts from zeros`,
      );
    }
    this.bridge = this.context === 'state' ? (options.bridge ?? 'copy') : null;
    if (this.bridge !== null && !['copy', 'linear'].includes(this.bridge)) {
      throw new ValueError(`${name}: bridge must be 'copy' or 'linear', got '${this.bridge}'`);
    }
    this.vocabSize = this.output.outFeatures;
    if (this.targetEmbedding.count !== this.vocabSize) {
      throw new ShapeError(
        `${name}: the target embedding has ${this.targetEmbedding.count} rows but output gives ${this.vocabSize} scores`,
      );
    }
    for (const [what, id] of [
      ['bos', options.bos],
      ['eos', options.eos],
    ] as const) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new ValueError(`${name}: ${what} token ${id} is not in the target vocabulary 0…${this.vocabSize - 1}`);
      }
    }
    [this.bos, this.eos] = [options.bos, options.eos];
    const probe = this.sourceEmbedding.weight.dtype;
    const he = outputWidth(name, 'encoder', this.encoder, this.sourceEmbedding.dim, probe);
    const hd = outputWidth(name, 'decoder', this.decoder, this.targetEmbedding.dim + (this.context === 'input' ? he : 0), probe);
    if (this.output.inFeatures !== hd) {
      throw new ShapeError(`${name}: output takes ${this.output.inFeatures} features but the decoder gives ${hd}`);
    }
    const init = { dtype: options.dtype ?? this.output.weight.dtype, generator: options.generator };
    if (this.attention && (this.attention.keySize !== he || this.attention.querySize !== hd)) {
      throw new ShapeError(
        `${name}: attention takes keys of ${this.attention.keySize} and queries of ${this.attention.querySize} features, but the encoder gives ${he} and the decoder ${hd}`,
      );
    }
    this.combine = this.attention ? new Linear(he + hd, hd, init) : null;
    const [enc, dec] = [this.encoder.initialState(1), this.decoder.initialState(1)];
    if (this.bridge === 'copy' && shapesOf(enc) !== shapesOf(dec)) {
      throw new ShapeError(
        `${name}: bridge 'copy' needs the encoder's state ${shapesOf(enc)} to match the decoder's ${shapesOf(dec)} (batch 1); use bridge 'linear' or context 'input'`,
      );
    }
    this.bridges = this.bridge === 'linear' ? tensorsOf(dec).map((t) => new Linear(he, t.shape[t.rank - 1]!, init)) : [];
  }

  /** Runs the encoder over `source` [S][B]; `lengths` are the real steps of each sequence (1…S). */
  encode(source: TokenMatrix, lengths?: readonly number[]): EncodedSource<SE> {
    const { steps, batch } = checkTokens('Seq2Seq.encode', 'source', source, this.sourceEmbedding.count);
    if (lengths !== undefined && (lengths.length !== batch || lengths.some((n) => !Number.isInteger(n) || n < 1 || n > steps))) {
      throw new ValueError(
        `Seq2Seq.encode: source lengths [${lengths.join(',')}] must be ${batch} whole numbers in 1…${steps} (the batch and S)`,
      );
    }
    const x = this.sourceEmbedding.forward(source as number[][]);
    const { outputs, state } = new Recurrent(this.encoder).forward(x, undefined, lengths ? { lengths } : {});
    const width = outputs.shape[2]!;
    const summary = lengths
      ? gather(
          reshape(outputs, [steps * batch, width]),
          lengths.map((n, b) => (n - 1) * batch + b),
        )
      : reshape(slice(outputs, [steps - 1]), [batch, width]);
    const keys = transpose(outputs, [1, 0, 2]);
    const memory = this.attention ? this.attention.memory(keys, lengths ? { lengths } : {}) : null;
    return { outputs: keys, summary, state, memory };
  }

  /** The decoder's state before its first step, from an encoded source. */
  startState(encoded: EncodedSource<SE>): Seq2SeqState<SD> {
    const { summary, memory } = encoded;
    const batch = summary.shape[0]!;
    let cell: SD;
    if (this.bridge === 'copy') cell = encoded.state as unknown as SD;
    else if (this.bridge === 'linear') {
      const parts = this.bridges.map((w) => tanh(w.forward(summary)));
      cell = (this.decoder.initialState(batch) instanceof Tensor ? parts[0]! : parts) as unknown as SD;
    } else cell = this.decoder.initialState(batch);
    return { cell, summary, memory };
  }

  /** One decoder step: feeds `tokens` (one per row) and returns the next-token scores, the state and α. */
  decodeStep(tokens: readonly number[], state: Seq2SeqState<SD>): Required<DecoderStep<Seq2SeqState<SD>>> {
    const e = this.targetEmbedding.forward([...tokens]);
    const x = this.context === 'input' ? concat([e, state.summary], -1) : e;
    const [o, cell] = this.decoder.step(x, state.cell);
    let features = o;
    let weights: Tensor | null = null;
    if (this.attention && this.combine && state.memory) {
      const attended = this.attention.forward(o, state.memory);
      features = tanh(this.combine.forward(concat([attended.context, o], -1)));
      weights = attended.weights;
    }
    return { logits: this.output.forward(features), state: { ...state, cell }, weights };
  }

  /**
   * Teacher-forced (or scheduled-sampling) decoding of `targets` [T][B] given `source` [S][B]: step t reads
   * y_{t−1} (`bos` at t = 0) and scores y_t. With `samplingProbability` p, each row at each step t ≥ 1 reads the
   * argmax of its own previous scores instead of y_{t−1} with probability p, drawn from `generator`; no gradient
   * flows through that choice.
   */
  forward(source: TokenMatrix, targets: TokenMatrix, options: Seq2SeqForwardOptions = {}): Seq2SeqOutput {
    const name = 'Seq2Seq.forward';
    const { samplingProbability: p = 0, generator } = options;
    if (!(p >= 0 && p <= 1)) throw new ValueError(`${name}: samplingProbability must be in [0, 1], got ${p}`);
    if (p > 0 && !generator) throw new ValueError(`${name}: samplingProbability ${p} > 0 needs a generator, so that runs repeat`);
    const encoded = this.encode(source, options.sourceLengths);
    const { steps, batch } = checkTokens(name, 'targets', targets, this.vocabSize);
    if (batch !== encoded.summary.shape[0]) {
      throw new ShapeError(`${name}: targets have batch ${batch} but the source has ${encoded.summary.shape[0]}`);
    }
    let state = this.startState(encoded);
    let tokens: readonly number[] = new Array<number>(batch).fill(this.bos);
    const logits: Tensor[] = [];
    const weights: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      if (t > 0) {
        const previous = logits[t - 1]!.data;
        const v = this.vocabSize;
        tokens = targets[t - 1]!.map((y, b) => (p > 0 && generator!.uniform() < p ? argmaxOf(previous.subarray(b * v, (b + 1) * v)) : y));
      }
      const out = atStep(name, t, () => this.decodeStep(tokens, state));
      state = out.state;
      logits.push(out.logits);
      if (out.weights) weights.push(out.weights);
    }
    return { logits: stack(logits, 0), attention: weights.length > 0 ? stack(weights, 0) : null };
  }

  /** A {@link StepDecoder} over `source` [S][B] for `greedyDecode` and `beamSearch` (encoded under `noGrad`). */
  startDecoding(source: TokenMatrix, options: { readonly sourceLengths?: readonly number[] } = {}): StepDecoder<Seq2SeqState<SD>> {
    const initial = noGrad(() => this.startState(this.encode(source, options.sourceLengths)));
    return {
      batch: initial.summary.shape[0]!,
      vocabSize: this.vocabSize,
      bos: this.bos,
      eos: this.eos,
      initial,
      step: (tokens, state) => this.decodeStep(tokens, state),
      select: (state, rows) => ({
        cell: selectRows(state.cell, rows),
        summary: gather(state.summary, rows, 0),
        memory: state.memory && {
          keys: gather(state.memory.keys, rows, 0),
          projected: gather(state.memory.projected, rows, 0),
          mask: state.memory.mask && gather(state.memory.mask, rows, 0),
        },
      }),
    };
  }
}

/** The tensors of a state, in order. */
function tensorsOf(state: State): readonly Tensor[] {
  return state instanceof Tensor ? [state] : state;
}

/** Runs decoder step `t`, adding the step to any loom error. */
function atStep<T>(name: string, t: number, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof LoomError)) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`${e.message} (in ${name} at decoder step ${t})`);
  }
}
