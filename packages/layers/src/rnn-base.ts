import { ShapeError, ValueError, Tensor, reshape, split, stack } from '@loom/core';
import { Bidirectional } from './bidirectional.js';
import type { Cell, State } from './cell.js';
import type { InitOptions } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { Recurrent, type SequenceMask } from './recurrent.js';
import type { SequenceLayer } from './sequence-layer.js';
import { Stacked } from './stacked.js';

/** Options shared by {@link RNN}, {@link LSTM} and {@link GRU}; the names and defaults are PyTorch's. */
export interface RNNBaseOptions extends InitOptions {
  /** Recurrent layers stacked, each reading the outputs of the one below. Default 1. */
  readonly numLayers?: number;
  /** Run every layer in both directions and concatenate the two outputs. Default false. */
  readonly bidirectional?: boolean;
  /** Dropout probability on each layer's outputs except the last layer's (never on the recurrent path). Default 0. */
  readonly dropout?: number;
  /** Inputs and outputs are [B, T, features] (h0 and h_n stay [L·D, B, H]). Default false. */
  readonly batchFirst?: boolean;
  /** Give every layer the biases b_ih and b_hh. Default true. */
  readonly bias?: boolean;
}

/** A built-in cell with PyTorch's parameter layout, as {@link RNNBase} reads it. */
export interface TorchLayoutCell<S extends State> extends Cell<S> {
  /** [G·H, I]. */
  readonly weightIh: Parameter;
  /** [G·H, H or P]. */
  readonly weightHh: Parameter;
  /** [G·H] or null. */
  readonly biasIh: Parameter | null;
  /** [G·H] or null. */
  readonly biasHh: Parameter | null;
  /** [P, H] (LSTM projection) or null. */
  readonly weightHr?: Parameter | null;
}

/** What {@link RNNBase} needs from a subclass: its cells and its state layout. */
export interface RNNSpec<S extends State> {
  /** The cell of one layer and direction, reading `inputSize` features. */
  readonly makeCell: (inputSize: number) => TorchLayoutCell<S>;
  /** The names and feature sizes of the state's tensors, in the cell's order: [['h0', H]] or [['h0', P], ['c0', H]]. */
  readonly stateParts: readonly (readonly [string, number])[];
  /** Features of each direction's output (H, or P with projection). */
  readonly outputSize: number;
}

/**
 * The machinery of {@link RNN}, {@link LSTM} and {@link GRU}: one cell per layer and direction, unrolled by
 * {@link Recurrent}, joined by {@link Bidirectional} and stacked by {@link Stacked}, with PyTorch's parameter names
 * and state layout. h0 (and c0) are [L·D, B, ·], layer-major and forward before reverse: row 2l is layer l's
 * forward direction, row 2l + 1 its reverse one (D = 2), or row l (D = 1).
 *
 * The parameters are fields of this module named as PyTorch names them (`weight_ih_l0`, `bias_hh_l1_reverse`,
 * `weight_hr_l0`, …), in PyTorch's order, and the cells hold the same Parameter objects; `namedParameters()` visits
 * these fields before the cells and keeps each parameter's first name, so it lists PyTorch's names and order, and
 * {@link Module.stateDict} is PyTorch's `state_dict()`: a checkpoint moves between the two unchanged (see
 * {@link torchRNN}).
 *
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16, { numLayers: 2 }); // a subclass of RNNBase
 * lstm.namedParameters()[0]![0]; // 'weight_ih_l0'
 * ```
 */
export abstract class RNNBase<S extends State> extends Module {
  /**
   * The PyTorch-named parameters: `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` and
   * `weight_hr_l{k}`, each with `_reverse` for the backward direction (undefined for names the module lacks).
   */
  readonly [name: `weight_${string}` | `bias_${string}`]: Parameter;
  /** Features of each input step (I). */
  readonly inputSize: number;
  /** Units of each layer and direction (H). */
  readonly hiddenSize: number;
  /** Layers stacked (L). */
  readonly numLayers: number;
  /** Whether each layer runs in both directions (D = 2). */
  readonly bidirectional: boolean;
  /** Dropout probability between layers. */
  readonly dropout: number;
  /** Whether inputs and outputs are [B, T, ·]. */
  readonly batchFirst: boolean;
  /** The layers as composed wrappers: a {@link Stacked} of {@link Recurrent} or {@link Bidirectional} layers. */
  // Declared, not defined: assigned after the PyTorch-named fields, so namedParameters() meets those first.
  declare readonly stack: Stacked<unknown>;
  private readonly stateParts: readonly (readonly [string, number])[];

  /** Builds `numLayers` × (1 or 2) cells from `spec` and names their parameters as PyTorch does. */
  protected constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions, spec: RNNSpec<S>) {
    super();
    const name = new.target.name;
    const numLayers = options.numLayers ?? 1;
    const dropout = options.dropout ?? 0;
    for (const [what, n] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
      ['numLayers', numLayers],
    ] as const) {
      if (!Number.isInteger(n) || n < 1) throw new ValueError(`${name}: ${what} must be a whole number ≥ 1, got ${n}`);
    }
    if (!(dropout >= 0 && dropout < 1)) throw new ValueError(`${name}: dropout must be in [0, 1), got ${dropout}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = dropout;
    this.batchFirst = options.batchFirst ?? false;
    this.stateParts = spec.stateParts;
    const directions = this.bidirectional ? ['', '_reverse'] : [''];
    const fields = this as unknown as Record<string, Parameter>;
    const layers: SequenceLayer[] = [];
    for (let l = 0; l < numLayers; l++) {
      const cells = directions.map((suffix) => {
        const cell = spec.makeCell(l === 0 ? inputSize : directions.length * spec.outputSize);
        const params = {
          weight_ih: cell.weightIh,
          weight_hh: cell.weightHh,
          bias_ih: cell.biasIh,
          bias_hh: cell.biasHh,
          weight_hr: cell.weightHr,
        };
        for (const [key, p] of Object.entries(params)) if (p) fields[`${key}_l${l}${suffix}`] = p;
        return cell;
      });
      const [fwd, bwd] = cells as [TorchLayoutCell<S>, TorchLayoutCell<S>?];
      const { batchFirst } = this;
      layers.push(bwd ? new Bidirectional(fwd, bwd, { batchFirst }) : new Recurrent(fwd, { batchFirst }));
    }
    (this as { stack: Stacked<unknown> }).stack = new Stacked(layers, {
      dropout,
      generator: options.generator,
      batchFirst: this.batchFirst,
    });
  }

  /** Directions per layer (D): 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Checks `x` and the initial state tensors (h0, or h0 and c0), runs the stack, and gathers the final states into
   * [L·D, B, ·] tensors in PyTorch's order.
   * @internal
   */
  protected run(x: Tensor, initial: readonly Tensor[] | undefined, sequence: SequenceMask): { output: Tensor; finals: Tensor[] } {
    const name = this.constructor.name;
    const layout = this.batchFirst ? '[B, T, features]' : '[T, B, features]';
    if (x.rank !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(
        `${name}: input has shape [${x.shape.join(',')}] but must be ${layout} with ${this.inputSize} features (inputSize)`,
      );
    }
    const batch = x.shape[this.batchFirst ? 0 : 1]!;
    const rows = this.numLayers * this.numDirections;
    const perCell = initial?.map((t, j) => {
      const [part, size] = this.stateParts[j]!;
      if (t.rank !== 3 || t.shape[0] !== rows || t.shape[1] !== batch || t.shape[2] !== size) {
        throw new ShapeError(
          `${name}: ${part} has shape [${t.shape.join(',')}] but must be [${rows},${batch},${size}] ` +
            '(numLayers·numDirections, batch, features)',
        );
      }
      return split(t, rows, 0).map((row) => reshape(row, [batch, size]));
    });
    const cellState = (k: number): State | undefined => {
      if (perCell === undefined) return undefined;
      const parts = perCell.map((rowsOfPart) => rowsOfPart[k]!);
      return parts.length === 1 ? parts[0]! : parts;
    };
    const states = Array.from({ length: this.numLayers }, (_, l) =>
      this.bidirectional ? ([cellState(2 * l), cellState(2 * l + 1)] as const) : cellState(l),
    );
    const { outputs, state } = this.stack.forward(x, perCell === undefined ? undefined : states, sequence);
    // Final cell states in PyTorch's order: layer-major, forward before reverse.
    const cellFinals = state.flatMap((s) => (this.bidirectional ? (s as [State, State]) : [s as State]));
    const finals = this.stateParts.map((_, j) =>
      stack(
        cellFinals.map((s) => (s instanceof Tensor ? s : s[j]!)),
        0,
      ),
    );
    return { output: outputs, finals };
  }
}
