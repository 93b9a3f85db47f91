import { noGrad, type Tensor } from '@loom/core';
import { argmaxOf, checkDecodeOptions, logProbRows } from './_decoding.js';

/** What one {@link StepDecoder.step} returns. */
export interface DecoderStep<S> {
  /** Unnormalized next-token scores, [N, V]. */
  readonly logits: Tensor;
  /** The state after this step. */
  readonly state: S;
  /** Attention weights over the source, [N, S], when the decoder attends. */
  readonly weights?: Tensor | null;
}

/**
 * A decoder seen one step at a time: what {@link greedyDecode} and {@link beamSearch} drive. `Seq2Seq.startDecoding`
 * makes one for a source batch; any other next-token model (a language model, a toy in a test) can implement it.
 *
 * @typeParam S - the decoder's state for N rows (hypotheses) at once.
 *
 * @example
 * ```ts
 * const decoder = model.startDecoding(source, { sourceLengths: [5, 3] });
 * const { sequences } = greedyDecode(decoder, { maxLength: 10 });
 * ```
 */
export interface StepDecoder<S> {
  /** Rows of {@link StepDecoder.initial}: the batch of sources. */
  readonly batch: number;
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /** The token fed first (beginning of sequence). */
  readonly bos: number;
  /** The token that ends a sequence. */
  readonly eos: number;
  /** The state before the first step, one row per source. */
  readonly initial: S;
  /** Feeds `tokens` (one per row) and returns the next-token scores and the next state. */
  step(tokens: readonly number[], state: S): DecoderStep<S>;
  /** The state of rows `rows` of `state`, in that order (rows may repeat): beam search reorders with it. */
  select(state: S, rows: readonly number[]): S;
}

/** Options of {@link greedyDecode} and {@link beamSearch}. */
export interface DecodeOptions {
  /** Most tokens generated per sequence, the end token included. */
  readonly maxLength: number;
}

/** What {@link greedyDecode} returns, one entry per source. */
export interface GreedyResult {
  /** The generated tokens, ending with the end token unless `maxLength` cut them off. */
  readonly sequences: number[][];
  /** Σ log p of each sequence's tokens. */
  readonly scores: number[];
  /** Attention weights, [b][t][s] for each generated token t, or null when the decoder does not attend. */
  readonly attention: number[][][] | null;
}

/**
 * Greedy decoding: from the start token, feed back the most likely token (argmax of the logits) until the end token
 * or `maxLength`. Runs under `noGrad`. Ties go to the lowest token id.
 *
 * @example
 * ```ts
 * const { sequences, scores, attention } = greedyDecode(model.startDecoding(source), { maxLength: 12 });
 * ```
 */
export function greedyDecode<S>(decoder: StepDecoder<S>, options: DecodeOptions): GreedyResult {
  checkDecodeOptions('greedyDecode', decoder, options.maxLength);
  return noGrad(() => {
    const n = decoder.batch;
    const sequences: number[][] = Array.from({ length: n }, () => []);
    const scores = new Array<number>(n).fill(0);
    const attention: number[][][] = Array.from({ length: n }, () => []);
    let attends = false;
    let tokens = new Array<number>(n).fill(decoder.bos);
    let state = decoder.initial;
    const done = new Array<boolean>(n).fill(false);
    for (let t = 0; t < options.maxLength && done.includes(false); t++) {
      const out = decoder.step(tokens, state);
      state = out.state;
      const logp = logProbRows('greedyDecode', out.logits, n, decoder.vocabSize, t);
      const weights = out.weights ? (out.weights.toArray() as number[][]) : null;
      attends ||= weights !== null;
      tokens = logp.map((row, b) => {
        if (done[b]) return decoder.eos;
        const best = argmaxOf(row);
        sequences[b]!.push(best);
        scores[b]! += row[best]!;
        if (weights) attention[b]!.push(weights[b]!);
        done[b] = best === decoder.eos;
        return best;
      });
    }
    return { sequences, scores, attention: attends ? attention : null };
  });
}
