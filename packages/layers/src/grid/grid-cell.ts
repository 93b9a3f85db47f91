import type { Tensor } from '@loom/core';
import type { State } from '../cell.js';
import { Module } from '../module.js';

/**
 * One cell of a 2-D (multi-dimensional) recurrent sweep: the state at grid cell (i, j) from its input and the states
 * of its two predecessors in the sweep's direction, (i ∓ 1, j) (`vertical`) and (i, j ∓ 1) (`horizontal`). Cells
 * outside the grid have `initialState`. {@link GridRNN} runs four sweeps, each from one corner.
 *
 * Like a {@link ProjectedCell}, the cell splits into `project` (the input's part, which reads no state and so runs once
 * over the whole grid) and `step`. {@link GridRNN} calls `step` on a whole anti-diagonal at once, so every tensor has
 * leading axes [B, n] (B grids, n cells of the diagonal).
 *
 * @typeParam S - the state: a Tensor [B, n, ·] or a tuple of them (MD-LSTM's [h, c]).
 *
 * @example
 * ```ts
 * const cell = new GridLSTMCell(3, 8);
 * const [h, state] = cell.step(cell.project(x), cell.initialState(2, 5), cell.initialState(2, 5)); // x [2, 5, 3]
 * ```
 */
export abstract class GridCell<S extends State = Tensor> extends Module {
  /** Features per input cell, C. */
  abstract readonly inputSize: number;
  /** Features per output cell. */
  abstract readonly outputSize: number;
  /** The state of `cells` positions outside the grid for each of `batch` grids, [batch, cells, ·] (zeros). */
  abstract initialState(batch: number, cells: number): S;
  /** The input's contribution to a step, for x [..., C] with any leading axes. */
  abstract project(x: Tensor): Tensor;
  /** One step from the projected input and the two predecessors' states: output [B, n, outputSize] and next state. */
  abstract step(projected: Tensor, vertical: S, horizontal: S): [Tensor, S];
}
