import { ShapeError, Tensor, ValueError } from '@loom/core';
import { Cell, type State } from './cell.js';
import { shapesOf } from './state.js';

/** Options of {@link SkipCell}. */
export interface SkipCellOptions<S extends State> {
  /**
   * Builds the state the inner cell steps from, out of the previous state and the one `skip` steps back. Default:
   * the skipped state alone (a dilated RNN). Parameters it uses must live in a module that the model owns.
   */
  readonly combine?: (previous: S, skipped: S) => S;
}

/**
 * Skip connections in time: the wrapped cell steps from the state of `skip` steps back instead of (or, with
 * `combine`, as well as) the previous one, so gradients cross T steps in about T/k multiplications:
 *
 * ```text
 * s_t = cell(x_t, combine(s_{t−1}, s_{t−k}))        default combine(p, s) = s:  s_t = cell(x_t, s_{t−k})
 * ```
 *
 * The default is the dilated recurrent connection of Chang et al. 2017 and of LSTNet's recurrent-skip layer (Lai
 * et al. 2018); stacking layers with k = 1, 2, 4, … gives a dilated RNN. `combine` gives the mixed forms, e.g. the
 * average of the two.
 *
 * The wrapper is itself a {@link Cell}, so {@link Recurrent} unrolls it with no special case and its masking
 * keeps working: the state is the ring of the last k inner states, newest first and flattened to one tuple of
 * tensors, `[s_{t−1}, s_{t−2}, …, s_{t−k}]` (k·m tensors for an inner state of m tensors), and a padded step
 * leaves the whole ring as it was. Use {@link SkipCell.pack} and {@link SkipCell.unpack} to build or read it, and
 * {@link SkipCell.latest} for the newest inner state. With `skip` 1 and no `combine` it is the inner cell.
 *
 * Shapes: x [B, I]; output that of the inner cell; state k × the inner state's tensors.
 *
 * @example
 * ```ts
 * const skip = new SkipCell(new GRUCell(8, 16), 3);                  // h_t = GRU(x_t, h_{t−3})
 * const { outputs, state } = new Recurrent(skip).forward(x);
 * const h = skip.latest(state);                                       // [B, 16]
 * const mixed = new SkipCell(new GRUCell(8, 16), 3, { combine: (p, s) => mul(add(p, s), 0.5) });
 * ```
 */
export class SkipCell<S extends State = Tensor> extends Cell<Tensor[]> {
  /** The wrapped cell. */
  readonly cell: Cell<S>;
  /** How many steps back the skip connection reaches (k ≥ 1). */
  readonly skip: number;
  /** Features per input step: the inner cell's. */
  override readonly inputSize: number | undefined;
  private readonly combine: ((previous: S, skipped: S) => S) | null;
  /** Tensors per inner state, and whether that state is one bare tensor. */
  private readonly arity: number;
  private readonly bare: boolean;

  /** Wraps `cell` with a connection from `skip` steps back; see {@link SkipCellOptions}. */
  constructor(cell: Cell<S>, skip: number, options: SkipCellOptions<S> = {}) {
    super();
    if (!Number.isInteger(skip) || skip < 1) throw new ValueError(`SkipCell: skip must be a whole number ≥ 1, got ${skip}`);
    this.cell = cell;
    this.skip = skip;
    this.inputSize = cell.inputSize;
    this.combine = options.combine ?? null;
    const probe = cell.initialState(1);
    this.bare = probe instanceof Tensor;
    this.arity = probe instanceof Tensor ? 1 : probe.length;
  }

  /** The ring of k copies of the inner cell's initial state. */
  initialState(batch: number): Tensor[] {
    const s = this.cell.initialState(batch);
    return this.pack(Array.from({ length: this.skip }, () => s));
  }

  /** One step: the inner cell from `combine(s_{t−1}, s_{t−k})`; the new state enters the ring, the oldest leaves. */
  step(x: Tensor, ring: Tensor[]): [Tensor, Tensor[]] {
    const states = this.unpack(ring);
    const skipped = states[this.skip - 1]!;
    const [out, next] = this.cell.step(x, this.combine ? this.combine(states[0]!, skipped) : skipped);
    return [out, this.pack([next, ...states.slice(0, -1)])];
  }

  /** Flattens k inner states, newest first, into the ring this cell carries. */
  pack(states: readonly S[]): Tensor[] {
    if (states.length !== this.skip)
      throw new ShapeError(`SkipCell(skip ${this.skip}): pack needs ${this.skip} states, got ${states.length}`);
    return states.flatMap((s) => (s instanceof Tensor ? [s] : [...(s as readonly Tensor[])]));
  }

  /** Splits a ring into its k inner states, newest (s_{t−1}) first. */
  unpack(ring: readonly Tensor[]): S[] {
    if (ring.length !== this.skip * this.arity) {
      throw new ShapeError(
        `SkipCell(skip ${this.skip}): the state must hold ${this.skip} × ${this.arity} tensors ` +
          `(${this.cell.constructor.name} states), got ${ring.length}: ${shapesOf(ring)}`,
      );
    }
    return Array.from({ length: this.skip }, (_, i) => {
      const part = ring.slice(i * this.arity, (i + 1) * this.arity);
      return (this.bare ? part[0]! : part) as S;
    });
  }

  /** The newest inner state in a ring, e.g. the final hidden state after {@link Recurrent.forward}. */
  latest(ring: readonly Tensor[]): S {
    return this.unpack(ring)[0]!;
  }
}
