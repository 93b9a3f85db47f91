// The reversal task: a string of 3–5 digits in, the same digits backwards out ("3 1 4" → "4 1 3 <eos>").
import type { Generator } from '@loom/core';

/** Padding: fills short sequences and is ignored by the loss. */
export const PAD = 0;
/** Start of the output, fed to the decoder first. */
export const BOS = 1;
/** End of the output. */
export const EOS = 2;
/** Token of digit d is FIRST_DIGIT + d. */
export const FIRST_DIGIT = 3;
/** Padding, start, end and ten digits. */
export const VOCAB = FIRST_DIGIT + 10;

/** A batch, time-major: `source[s][b]`, `targets[t][b]` (the reversed digits, then EOS, then PAD). */
export interface ReversalBatch {
  readonly source: number[][];
  readonly lengths: number[];
  readonly targets: number[][];
}

/** `batch` random digit strings of `minLength`…`maxLength` digits and their reversals. */
export function reversalBatch(g: Generator, batch: number, minLength = 3, maxLength = 5): ReversalBatch {
  const strings = Array.from({ length: batch }, () =>
    Array.from({ length: g.int(minLength, maxLength + 1) }, () => FIRST_DIGIT + g.int(0, 10)),
  );
  const lengths = strings.map((s) => s.length);
  const steps = Math.max(...lengths);
  const source = Array.from({ length: steps }, (_, s) => strings.map((x) => x[s] ?? PAD));
  const outputs = strings.map((x) => [...x].reverse().concat(EOS));
  const targets = Array.from({ length: steps + 1 }, (_, t) => outputs.map((y) => y[t] ?? PAD));
  return { source, lengths, targets };
}

/** "3 1 4" for tokens of digits 3, 1, 4; "<eos>" for the end token. */
export function show(tokens: readonly number[]): string {
  return tokens.map((t) => (t === EOS ? '<eos>' : t >= FIRST_DIGIT ? String(t - FIRST_DIGIT) : '?')).join(' ');
}
