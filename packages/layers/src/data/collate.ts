import type { Tensor } from '@loom/core';
import type { Collate } from './data-loader.js';
import { padSequences, type PadSequencesOptions, type PaddedSequences, type SequenceInput } from './pad-sequences.js';

/** Options of {@link padCollate}. */
export interface PadCollateOptions extends PadSequencesOptions {
  /**
   * Pad the targets too (per-step targets, as a tagger's), with this value: −100, `crossEntropy`'s default
   * `ignoreIndex`, keeps padding out of the loss and of `accuracy`. When absent the targets stay a plain array.
   */
  readonly targetPadValue?: number;
}

/**
 * A {@link DataLoader} collate for variable-length sequences: the inputs of a batch go through
 * {@link padSequences}, so the model gets `{ padded, lengths, mask }`. Targets stay an array of the samples'
 * targets (one class per sequence, say), or with `targetPadValue` are padded into a tensor [T, B] ([B, T] with
 * `batchFirst`) like the inputs.
 *
 * @example
 * ```ts
 * // sequence classification: one label per sequence
 * new DataLoader({ inputs: seqs, targets: labels }, { batchSize: 16, collate: padCollate<number>() });
 * // tagging: one label per step, padding ignored by crossEntropy
 * new DataLoader({ inputs: seqs, targets: tags }, { batchSize: 16, collate: padCollate({ targetPadValue: -100 }) });
 * ```
 */
export function padCollate<Y>(options?: PadSequencesOptions): Collate<SequenceInput, Y, PaddedSequences, Y[]>;
/** With `targetPadValue`: per-step targets, padded into a tensor. */
export function padCollate(
  options: PadCollateOptions & { readonly targetPadValue: number },
): Collate<SequenceInput, SequenceInput, PaddedSequences, Tensor>;
export function padCollate(options: PadCollateOptions = {}): Collate<SequenceInput, never, PaddedSequences, unknown> {
  const { targetPadValue, ...pad } = options;
  return (inputs, targets) => ({
    inputs: padSequences(inputs, pad),
    targets: targetPadValue === undefined ? targets : padSequences(targets as SequenceInput[], { ...pad, padValue: targetPadValue }).padded,
  });
}
