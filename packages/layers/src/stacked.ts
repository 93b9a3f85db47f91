import { ShapeError, ValueError, type Generator, type Tensor } from '@loom/core';
import { Dropout } from './dropout.js';
import { Module } from './module.js';
import type { SequenceMask } from './recurrent.js';
import { asSequenceLayer, type CellOrLayer, type SequenceLayer, type SequenceOutput } from './sequence-layer.js';

/** Options of {@link Stacked}. */
export interface StackedOptions {
  /** Drop probability applied to each layer's outputs before the next layer (not after the last). Default 0. */
  readonly dropout?: number;
  /** Variational dropout: one mask per sequence, reused at every time step (Gal & Ghahramani 2016). Default false. */
  readonly variational?: boolean;
  /** Inputs and outputs are [B, T, …] (which axis is time, for variational masks; and for cells given). Default false. */
  readonly batchFirst?: boolean;
  /** Randomness source of the dropout masks; the global generator when absent. */
  readonly generator?: Generator;
}

/**
 * Sequence layers applied one over the other: each layer reads the previous layer's outputs at every step.
 *
 * ```text
 * h⁽⁰⁾_t = x_t
 * h⁽ˡ⁾_t = layer_l(drop(h⁽ˡ⁻¹⁾_t), h⁽ˡ⁾_{t−1})       drop is the identity for l = 1, and in evaluation mode
 * y_t    = h⁽ᴸ⁾_t
 * ```
 *
 * Dropout sits on the connections between layers only, never on the recurrent path h_{t−1} → h_t: a fresh mask on
 * the state at every step multiplies the memory by a random 0/1 pattern T times, so after a long sequence almost
 * nothing of the early steps survives (Zaremba et al. 2014). With `variational`, one mask per sequence is drawn
 * and reused at every step ([1, B, H], or [B, 1, H] batch-first), as Gal & Ghahramani propose.
 *
 * Cells given are unrolled with {@link Recurrent} (`batchFirst` passed on); sequence layers are used as they are.
 * Every layer gets the same lengths or mask.
 *
 * Shapes: x [T, B, I] (or [B, T, I]); outputs those of the last layer; state: one entry per layer, in order.
 * The state type `S` is inferred when every layer has the same one; write `Stacked<unknown>` to mix layers
 * (an LSTM over a GRU).
 *
 * @example
 * ```ts
 * const deep = new Stacked([new GRUCell(8, 16), new GRUCell(16, 16)], { dropout: 0.3, variational: true });
 * const { outputs, state: [h1, h2] } = deep.forward(x); // outputs [T, B, 16]
 * deep.eval(); // dropout off
 * ```
 */
export class Stacked<S = unknown> extends Module implements SequenceLayer<S[]> {
  /** The layers, bottom (reading x) first. */
  readonly layers: SequenceLayer<S>[];
  /** The dropout between layers (the identity in evaluation mode or with p = 0). */
  readonly dropout: Dropout;
  private readonly variational: boolean;
  private readonly batchFirst: boolean;

  /** Stacks `layers` (cells or sequence layers); see {@link StackedOptions}. */
  constructor(layers: readonly CellOrLayer<S>[], options: StackedOptions = {}) {
    super();
    if (layers.length === 0) throw new ValueError('Stacked: needs at least one layer');
    this.batchFirst = options.batchFirst ?? false;
    this.layers = layers.map((layer) => asSequenceLayer(layer, { batchFirst: this.batchFirst }));
    this.dropout = new Dropout(options.dropout ?? 0, { generator: options.generator });
    this.variational = options.variational ?? false;
  }

  /** Runs every layer in turn; `states[l]` (or layer l's own initial state when absent) starts layer l. */
  forward(x: Tensor, states?: readonly (S | undefined)[], sequence: SequenceMask = {}): SequenceOutput<S[]> {
    if (states !== undefined && states.length !== this.layers.length) {
      throw new ShapeError(`Stacked: got ${states.length} initial states for ${this.layers.length} layers`);
    }
    let h = x;
    const finals: S[] = [];
    this.layers.forEach((layer, l) => {
      if (l > 0) h = this.drop(h);
      const out = layer.forward(h, states?.[l], sequence);
      h = out.outputs;
      finals.push(out.state);
    });
    return { outputs: h, state: finals };
  }

  private drop(h: Tensor): Tensor {
    if (!this.variational || h.rank !== 3) return this.dropout.forward(h);
    const [a, b, features] = h.shape as [number, number, number];
    return this.dropout.forward(h, this.batchFirst ? [a, 1, features] : [1, b, features]);
  }
}
