import type { Tensor } from '@loom/core';
import { Cell, type State } from './cell.js';
import type { Module } from './module.js';
import { Recurrent, type RecurrentOptions, type SequenceMask } from './recurrent.js';

/** What a {@link SequenceLayer} returns: the outputs and the state after the last real step. */
export interface SequenceOutput<S> {
  /** Outputs, [T, B, H] ([B, T, H] batch-first), or [B, H] for a layer that returns only the last step. */
  readonly outputs: Tensor;
  /** The final state, in the layer's own structure (a tensor, a tuple, or nested tuples for wrappers). */
  readonly state: S;
}

/**
 * Anything shaped like {@link Recurrent}: `forward(x, state?, sequence?) → { outputs, state }`. {@link Bidirectional},
 * {@link Stacked} and `Recurrent` itself all are, so the wrappers nest: a `Stacked` of `Bidirectional` layers is
 * what the multi-layer {@link LSTM} is.
 *
 * @typeParam S - the state: any structure of tensors (unlike a cell's {@link State}, it may nest).
 *
 * @example
 * ```ts
 * const layer: SequenceLayer<[Tensor, Tensor]> = new Recurrent(new LSTMCell(8, 16));
 * const { outputs, state } = layer.forward(x, undefined, { lengths: [5, 3] });
 * ```
 */
export interface SequenceLayer<S = unknown> extends Module {
  /** Runs over every step of `x` ([T, B, I], or [B, T, I] batch-first) from `state` (the layer's default when absent). */
  forward(x: Tensor, state?: S, sequence?: SequenceMask): SequenceOutput<S>;
}

/** A {@link Cell} (which a wrapper unrolls with {@link Recurrent}) or a ready-made {@link SequenceLayer}. */
export type CellOrLayer<S> = Cell<S & State> | SequenceLayer<S>;

/** `layer` itself, or `new Recurrent(layer, options)` when it is a cell (options left undefined keep their defaults). */
export function asSequenceLayer<S>(layer: CellOrLayer<S>, options: RecurrentOptions): SequenceLayer<S> {
  if (!(layer instanceof Cell)) return layer;
  // Recurrent spreads its options over its defaults, so an explicit undefined would replace a default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RecurrentOptions;
  return new Recurrent(layer, given) as SequenceLayer<S>;
}
