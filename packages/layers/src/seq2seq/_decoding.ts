import { ValueError, logSoftmax, type Tensor } from '@loom/core';
import type { StepDecoder } from './decode.js';

/** Index of the largest value (the first one on ties). */
export function argmaxOf(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** log-softmax of `logits` [rows, V] as plain rows, after checking the shape the decoder promised. */
export function logProbRows(name: string, logits: Tensor, rows: number, vocab: number, t: number): number[][] {
  if (logits.rank !== 2 || logits.shape[0] !== rows || logits.shape[1] !== vocab) {
    throw new ValueError(`${name}: the decoder's logits at step ${t} have shape [${logits.shape.join(',')}], expected [${rows}, ${vocab}]`);
  }
  return logSoftmax(logits, -1).toArray() as number[][];
}

/** Checks the decoder's token ids and a length limit. */
export function checkDecodeOptions<S>(name: string, decoder: StepDecoder<S>, maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new ValueError(`${name}: maxLength must be a whole number ≥ 1, got ${maxLength}`);
  }
  for (const [what, id] of [
    ['bos', decoder.bos],
    ['eos', decoder.eos],
  ] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= decoder.vocabSize) {
      throw new ValueError(`${name}: ${what} token ${id} is not in the vocabulary 0…${decoder.vocabSize - 1}`);
    }
  }
}
