import { LoomError, ShapeError, ValueError, Tensor, add, concat, gather, reshape, slice } from '@loom/core';
import type { State } from '../cell.js';
import { Module } from '../module.js';
import { mapState } from '../state.js';
import type { GridCell } from './grid-cell.js';
import { GRID_CORNERS, wavefront, type GridCorner } from './_wavefront.js';

/** How {@link GridRNN} combines the sweeps' outputs at each cell. */
export type GridMerge = 'concat' | 'sum';

/** Options of {@link GridRNN}. */
export interface GridRNNOptions {
  /** `'concat'` (default): [B, H, W, sweeps·O]; `'sum'`: [B, H, W, O]. */
  readonly merge?: GridMerge;
  /** The corners the sweeps start from, in merge order; default all four, which gives every cell the whole grid. */
  readonly corners?: readonly GridCorner[];
}

/**
 * A 2-D recurrent network over a grid (the multi-dimensional RNN of Graves, Fernández & Schmidhuber 2007): one sweep
 * from each corner, each with its own {@link GridCell}. The sweep from the top left computes
 *
 * ```text
 * [y(i,j), s(i,j)] = cell.step(cell.project(x(i,j)), s(i−1,j), s(i,j−1))     s outside the grid = initialState
 * ```
 *
 * and the others are the same with rows and/or columns run backwards (the sweep from the bottom right reads
 * s(i+1,j) and s(i,j+1)). A sweep sees the quarter of the grid between its corner and the cell, so with all four
 * sweeps every output depends on the whole grid. The outputs are merged per cell, concatenated or summed.
 *
 * Each sweep runs by anti-diagonals: the cells with i + j = d depend only on diagonal d − 1, so they form one batch
 * and a sweep takes H + W − 1 steps, not H·W. The projection of the input runs once per sweep over the whole grid.
 *
 * Shapes: x [B, H, W, C] → [B, H, W, 4·O] (`concat`) or [B, H, W, O] (`sum`), O the cells' `outputSize`.
 *
 * @example
 * ```ts
 * const rnn = new GridRNN(() => new GridLSTMCell(3, 8));
 * rnn.forward(randn([2, 5, 7, 3])).shape; // [2, 5, 7, 32]
 * ```
 */
export class GridRNN<S extends State> extends Module {
  /** One cell per sweep, in the order of {@link GridRNN.corners}. */
  readonly cells: GridCell<S>[];
  /** The corners the sweeps start from. */
  readonly corners: readonly GridCorner[];
  /** How the sweeps' outputs are combined. */
  readonly merge: GridMerge;

  /** Sweeps with a fresh cell each from `makeCell(corner)`; see {@link GridRNNOptions}. */
  constructor(makeCell: (corner: GridCorner) => GridCell<S>, options: GridRNNOptions = {}) {
    super();
    this.corners = options.corners ?? GRID_CORNERS;
    this.merge = options.merge ?? 'concat';
    const unknown = this.corners.find((c) => !GRID_CORNERS.includes(c));
    if (this.corners.length === 0 || unknown !== undefined || new Set(this.corners).size !== this.corners.length) {
      throw new ValueError(`GridRNN: corners [${this.corners.join(', ')}] must be distinct, at least one, from ${GRID_CORNERS.join(', ')}`);
    }
    this.cells = this.corners.map(makeCell);
    const sizes = this.cells.map((c) => `${c.inputSize}→${c.outputSize}`);
    if (new Set(sizes).size !== 1) throw new ShapeError(`GridRNN: the sweeps' cells must have the same sizes, got ${sizes.join(', ')}`);
  }

  /** Runs every sweep over x [B, H, W, C] and merges their outputs per cell. */
  forward(x: Tensor): Tensor {
    const cell = this.cells[0]!;
    const name = `GridRNN(${cell.constructor.name})`;
    if (x.rank !== 4 || x.shape.some((d) => d === 0) || x.shape[3] !== cell.inputSize) {
      throw new ShapeError(
        `${name}: input must be [B, H, W, ${cell.inputSize}] (grids of ${cell.inputSize} channels, no empty axis), got [${x.shape.join(',')}]`,
      );
    }
    const [batch, height, width] = x.shape as [number, number, number];
    const flat = reshape(x, [batch, height * width, cell.inputSize]);
    const outputs = this.cells.map((c, k) => this.sweep(name, c, this.corners[k]!, flat, height, width));
    const merged = this.merge === 'sum' ? outputs.reduce((a, b) => add(a, b)) : concat(outputs, -1);
    return reshape(merged, [batch, height, width, merged.shape[2]!]);
  }

  /** One sweep over the flattened grid x [B, H·W, C]: outputs [B, H·W, O] in row-major order. */
  private sweep(name: string, cell: GridCell<S>, corner: GridCorner, x: Tensor, height: number, width: number): Tensor {
    const batch = x.shape[0]!;
    const where = (d: number) => `${name} sweep from the ${corner} at diagonal ${d}`;
    const projected = annotate(`${name} sweep from the ${corner}`, () => cell.project(x));
    const diagonals = wavefront(height, width, corner);
    const outputs: Tensor[] = [];
    let previous: S | null = null;
    diagonals.forEach(({ cells, offset }, d) => {
      annotate(where(d), () => {
        const n = cells.length;
        let vertical: S, horizontal: S;
        if (previous === null) {
          vertical = horizontal = cell.initialState(batch, 1);
        } else {
          const boundary = cell.initialState(batch, 1);
          const padded: S = mapState(previous, boundary, (p, b) => concat([b, p, b], 1));
          vertical = eachTensor(padded, (p) => slice(p, [0, offset], [batch, offset + n]));
          horizontal = eachTensor(padded, (p) => slice(p, [0, offset + 1], [batch, offset + 1 + n]));
        }
        const [out, next] = cell.step(gather(projected, [...cells], 1), vertical, horizontal);
        outputs.push(out);
        previous = next;
      });
    });
    // Back from diagonal order to row-major: position p of the concatenation holds grid cell order[p].
    const order = diagonals.flatMap((diag) => diag.cells);
    const rowMajor = new Array<number>(order.length);
    order.forEach((cellIndex, p) => (rowMajor[cellIndex] = p));
    return gather(concat(outputs, 1), rowMajor, 1);
  }
}

function eachTensor<S extends State>(s: S, f: (t: Tensor) => Tensor): S {
  return (s instanceof Tensor ? f(s) : s.map(f)) as S;
}

/** Runs `work`, adding where it ran to any loom error so that a bad shape in a cell says which sweep and diagonal. */
function annotate<T>(where: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (!(e instanceof LoomError) || e.message.includes(' (in GridRNN')) throw e;
    const Kind = e.constructor as new (message: string) => LoomError;
    throw new Kind(`${e.message} (in ${where})`);
  }
}
