import { LoomError, ShapeError, cast, split, stack, transpose, where, reshape, tensor, timeStep, type Tensor } from '@loom/core';
import { ProjectedCell, type Cell, type State } from './cell.js';
import { Module } from './module.js';
import { mapState, shapesOf } from './state.js';

/** Options of {@link Recurrent}. */
export interface RecurrentOptions {
  /** Return the output of every step ([T, B, H]); with false, only the last one ([B, H]). Default true. */
  readonly returnSequences?: boolean;
  /** Run from the last step to the first; outputs stay in input order. Default false. */
  readonly reverse?: boolean;
  /** Inputs (and outputs and masks) are [B, T, …] instead of [T, B, …]. Default false. */
  readonly batchFirst?: boolean;
}

/** Which steps of each sequence are real, for batches of different lengths. Give one of the two. */
export interface SequenceMask {
  /** 1 for a real step and 0 for padding, shaped [T, B] (or [B, T] with batchFirst). */
  readonly mask?: Tensor;
  /** The number of real steps of each sequence; steps past it are padding. */
  readonly lengths?: readonly number[];
}

/** What {@link Recurrent.forward} returns. */
export interface RecurrentOutput<S extends State> {
  /** Outputs of every step, [T, B, H] ([B, T, H] with batchFirst), or the last real output [B, H]. */
  readonly outputs: Tensor;
  /** The state after each sequence's last real step. */
  readonly state: S;
}

/**
 * Unrolls a {@link Cell} over time. BPTT is the tape's ordinary backward over this loop; nothing here is special.
 *
 * Padded steps (a mask or lengths) carry the state through unchanged and output zeros, so padding never leaks
 * into the state, and padded inputs get exactly zero gradient.
 *
 * Shapes: x [T, B, I] (or [B, T, I]); state as the cell's `initialState(B)`; outputs [T, B, H] or [B, H].
 *
 * @example
 * ```ts
 * const rnn = new Recurrent(new LSTMCell(8, 16));
 * const { outputs, state: [h, c] } = rnn.forward(x, undefined, { lengths: [5, 3] });
 * ```
 */
export class Recurrent<S extends State> extends Module {
  /** The cell applied at every step. */
  readonly cell: Cell<S>;
  /** The options, with their defaults filled in. */
  readonly options: Required<RecurrentOptions>;

  /** Wraps `cell`; see {@link RecurrentOptions}. */
  constructor(cell: Cell<S>, options: RecurrentOptions = {}) {
    super();
    this.cell = cell;
    this.options = {
      returnSequences: options.returnSequences ?? true,
      reverse: options.reverse ?? false,
      batchFirst: options.batchFirst ?? false,
    };
  }

  /** Runs the cell over every step of `x`, from `state` (the cell's initial state when absent). */
  forward(x: Tensor, state?: S, sequence: SequenceMask = {}): RecurrentOutput<S> {
    const name = `Recurrent(${this.cell.constructor.name})`;
    const { batchFirst, reverse, returnSequences } = this.options;
    if (x.rank !== 3) {
      throw new ShapeError(`${name}: input must be ${batchFirst ? '[B, T, features]' : '[T, B, features]'}, got [${x.shape.join(',')}]`);
    }
    const xs = batchFirst ? transpose(x, [1, 0, 2]) : x;
    const [steps, batch, features] = xs.shape as [number, number, number];
    if (this.cell.inputSize !== undefined && features !== this.cell.inputSize) {
      throw new ShapeError(
        `${name}: input has ${features} features per step (shape [${x.shape.join(',')}]) but the cell takes ${this.cell.inputSize}`,
      );
    }
    const initial = this.cell.initialState(batch);
    if (state !== undefined && shapesOf(state) !== shapesOf(initial)) {
      throw new ShapeError(
        `${name}: initial state has shape ${shapesOf(state)} but the cell needs ${shapesOf(initial)} for batch ${batch}`,
      );
    }
    const mask = stepMask(name, sequence, steps, batch, batchFirst, xs);
    // A ProjectedCell's input half runs once over the whole sequence; each step then slices its own part.
    const cell = this.cell;
    const projected = cell instanceof ProjectedCell ? atStep(name, 0, () => cell.project(xs)) : xs;
    const step =
      cell instanceof ProjectedCell
        ? (input: Tensor, st: S) => cell.stepProjected(input, st)
        : (input: Tensor, st: S) => cell.step(input, st);
    const width = projected.shape[2]!;
    const inputs = split(projected, steps, 0).map((t) => reshape(t, [batch, width]));
    const outputs: Tensor[] = new Array(steps);
    let s = state ?? initial;
    let last: Tensor | undefined;
    for (let i = 0; i < steps; i++) {
      const t = reverse ? steps - 1 - i : i;
      let [out, next] = atStep(name, t, () => timeStep(this, name, t, () => step(inputs[t]!, s)));
      if (mask !== null) {
        const real = mask[t]!;
        // The mask is [B, 1]; a state of higher rank (an NTM's memory [B, N, M]) needs it as [B, 1, 1, …].
        next = mapState(next, s, (a, b) => where(a.rank <= 2 ? real : reshape(real, [batch, ...Array<number>(a.rank - 1).fill(1)]), a, b));
        // Selected, not scaled by the mask: out · 0 would be NaN where the cell overflowed on padding, and −0 for
        // negative outputs; any nonzero mask value counts as a real step, for the output as for the state.
        out = where(real, out, 0);
        if (!returnSequences) last = last === undefined ? out : where(real, out, last);
      }
      s = next;
      outputs[t] = out;
      if (mask === null) last = out;
    }
    if (!returnSequences) return { outputs: last ?? outputs[0]!, state: s };
    const all = stack(outputs, 0);
    return { outputs: batchFirst ? transpose(all, [1, 0, 2]) : all, state: s };
  }
}

/** Per-step masks [B, 1] (1 = real step), or null when every step is real. */
function stepMask(name: string, sequence: SequenceMask, steps: number, batch: number, batchFirst: boolean, x: Tensor): Tensor[] | null {
  if (sequence.mask !== undefined && sequence.lengths !== undefined) throw new ShapeError(`${name}: give a mask or lengths, not both`);
  let mask: Tensor;
  if (sequence.lengths !== undefined) {
    const { lengths } = sequence;
    if (lengths.length !== batch || lengths.some((n) => !Number.isInteger(n) || n < 0 || n > steps)) {
      throw new ShapeError(
        `${name}: lengths [${lengths.join(',')}] must be ${batch} whole numbers in 0…${steps} (the batch and the number of steps)`,
      );
    }
    const values = Array.from({ length: steps * batch }, (_, e) => (Math.floor(e / batch) < lengths[e % batch]! ? 1 : 0));
    mask = tensor(values, { shape: [steps, batch], dtype: x.dtype });
  } else if (sequence.mask !== undefined) {
    // Checked before the batchFirst transpose, which would otherwise fail first, naming neither layer nor mask.
    const given = sequence.mask;
    const want = batchFirst ? [batch, steps] : [steps, batch];
    if (given.rank !== 2 || given.shape[0] !== want[0] || given.shape[1] !== want[1]) {
      throw new ShapeError(
        `${name}: mask has shape [${given.shape.join(',')}] but the input needs [${want.join(',')}] (${batchFirst ? '[B, T]' : '[T, B]'})`,
      );
    }
    mask = cast(batchFirst ? transpose(given, [1, 0]) : given, x.dtype);
  } else {
    return null;
  }
  return split(mask, steps, 0).map((m) => reshape(m, [batch, 1]));
}

/** Runs one step, adding the time step to any loom error so that a bad shape deep in a cell says where it was. */
function atStep<T>(name: string, t: number, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof LoomError) || e.message.includes(' (in Recurrent')) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`${e.message} (in ${name} at time step ${t})`);
  }
}
