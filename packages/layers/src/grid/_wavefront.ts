/** The corner a sweep starts from; it then moves away from that corner along both axes. */
export type GridCorner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The four sweeps, in the order their outputs are merged. */
export const GRID_CORNERS: readonly GridCorner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

/** One anti-diagonal of a sweep: the cells that depend only on the diagonal before it, so they run as one batch. */
export interface Diagonal {
  /** Row-major positions (row · W + col) of its cells in the input grid, in order of the sweep's row. */
  readonly cells: readonly number[];
  /** Offset of its first cell's predecessors in the previous diagonal, padded by one boundary cell at each end. */
  readonly offset: number;
}

/**
 * The wavefront order of a sweep over an H×W grid. In the sweep's own frame (the grid flipped so that the sweep
 * starts at the top left), cell (i, j) depends on (i − 1, j) and (i, j − 1), so all cells with i + j = d are
 * independent given diagonal d − 1: H + W − 1 sequential steps instead of H·W.
 *
 * In diagonal d, cells run over rows i = first(d)…last(d). With the previous diagonal padded by one boundary cell at
 * each end, cell i's vertical predecessor (i − 1, j) is padded row i − first(d − 1) and its horizontal predecessor
 * (i, j − 1) the next one, so both are contiguous slices starting at `offset` = first(d) − first(d − 1).
 */
export function wavefront(height: number, width: number, corner: GridCorner): Diagonal[] {
  const flipRows = corner.startsWith('bottom');
  const flipCols = corner.endsWith('right');
  const first = (d: number) => Math.max(0, d - width + 1);
  const diagonals: Diagonal[] = [];
  for (let d = 0; d < height + width - 1; d++) {
    const cells: number[] = [];
    for (let i = first(d); i <= Math.min(d, height - 1); i++) {
      const row = flipRows ? height - 1 - i : i;
      const col = flipCols ? width - 1 - (d - i) : d - i;
      cells.push(row * width + col);
    }
    diagonals.push({ cells, offset: d === 0 ? 0 : first(d) - first(d - 1) });
  }
  return diagonals;
}
