import { ShapeError, ValueError, add, concat, mul, type Tensor } from '@loom/core';
import { Module } from './module.js';
import type { SequenceMask } from './recurrent.js';
import { asSequenceLayer, type CellOrLayer, type SequenceLayer, type SequenceOutput } from './sequence-layer.js';

/** How {@link Bidirectional} joins the two directions' outputs at each step. */
export type BidirectionalMerge = 'concat' | 'sum' | 'mul' | 'ave';

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions {
  /** `'concat'` (default) joins the features, [..., Hf + Hb]; `'sum'`, `'mul'` and `'ave'` need Hf = Hb. */
  readonly merge?: BidirectionalMerge;
  /** When cells are given: inputs, outputs and masks are [B, T, …]. Default false. */
  readonly batchFirst?: boolean;
  /** When cells are given: return every step's output (default true), or only the last one. */
  readonly returnSequences?: boolean;
}

/**
 * Runs one layer forward in time and another backward over the same input, and merges their outputs step by step
 * (Schuster & Paliwal 1997), so each step's output sees the whole sequence:
 *
 * ```text
 * →h_t = fwd(x_t, →h_{t−1})        t = 1 … T
 * ←h_t = bwd(x_t, ←h_{t+1})        t = T … 1, starting at each sequence's own last real step
 * y_t  = merge(→h_t, ←h_t)         concat [→h; ←h] | →h + ←h | →h ⊙ ←h | (→h + ←h) / 2
 * ```
 *
 * Give two cells and it unrolls them itself (the backward one with `reverse: true`), or give two
 * {@link SequenceLayer}s; then the backward one must already run in reverse (e.g. `new Recurrent(cell, { reverse:
 * true })`). With lengths or a mask, {@link Recurrent}'s masking carries the reversed state unchanged through the
 * padding, so the backward pass of a short sequence effectively starts at its last real step.
 *
 * Shapes: x [T, B, I] (or [B, T, I]); outputs [T, B, Hf + Hb] with concat, else [T, B, H]; state `[fwdState,
 * bwdState]`. Without `returnSequences`, outputs [B, ·] merge the forward last real output with the backward
 * output at step 0 (each direction's last step), as Keras does.
 *
 * @example
 * ```ts
 * const bi = new Bidirectional(new LSTMCell(8, 16), new LSTMCell(8, 16), { merge: 'concat' });
 * const { outputs, state: [[hf, cf], [hb, cb]] } = bi.forward(x, undefined, { lengths: [5, 3] }); // outputs [5, 2, 32]
 * ```
 */
export class Bidirectional<SF = unknown, SB = SF> extends Module implements SequenceLayer<[SF, SB]> {
  /** The layer that runs from the first step to the last. */
  readonly forwardLayer: SequenceLayer<SF>;
  /** The layer that runs from the last step to the first. */
  readonly backwardLayer: SequenceLayer<SB>;
  /** How the outputs are joined. */
  readonly merge: BidirectionalMerge;

  /** Wraps `fwd` and `bwd` (cells, or sequence layers with `bwd` already reversed); see {@link BidirectionalOptions}. */
  constructor(fwd: CellOrLayer<SF>, bwd: CellOrLayer<SB>, options: BidirectionalOptions = {}) {
    super();
    const merge = options.merge ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(merge)) {
      throw new ValueError(`Bidirectional: merge must be 'concat', 'sum', 'mul' or 'ave', got '${merge}'`);
    }
    const { batchFirst, returnSequences } = options;
    this.forwardLayer = asSequenceLayer(fwd, { batchFirst, returnSequences, reverse: false });
    this.backwardLayer = asSequenceLayer(bwd, { batchFirst, returnSequences, reverse: true });
    this.merge = merge;
  }

  /** Runs both directions from `state` (`[fwdState, bwdState]`; each layer's initial state when absent). */
  forward(x: Tensor, state?: readonly [SF, SB], sequence: SequenceMask = {}): SequenceOutput<[SF, SB]> {
    const f = this.forwardLayer.forward(x, state?.[0], sequence);
    const b = this.backwardLayer.forward(x, state?.[1], sequence);
    return { outputs: this.join(f.outputs, b.outputs), state: [f.state, b.state] };
  }

  private join(f: Tensor, b: Tensor): Tensor {
    const show = (t: { readonly shape: readonly number[] }) => `[${t.shape.join(',')}]`;
    const leading = (t: Tensor) => show({ shape: t.shape.slice(0, -1) });
    const same = this.merge === 'concat' ? f.rank === b.rank && leading(f) === leading(b) : show(f) === show(b);
    if (!same) {
      const need = this.merge === 'concat' ? 'the same shape but for the last axis' : 'the same shape';
      throw new ShapeError(
        `Bidirectional(merge '${this.merge}'): forward outputs ${show(f)} and backward outputs ${show(b)} must have ${need}`,
      );
    }
    switch (this.merge) {
      case 'concat':
        return concat([f, b], -1);
      case 'sum':
        return add(f, b);
      case 'mul':
        return mul(f, b);
      case 'ave':
        return mul(add(f, b), 0.5);
    }
  }
}
