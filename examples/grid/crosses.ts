// The task: a grid with a few marked cells; every cell must say whether another cell of its row or of its column is
// marked. Row and column together reach all four edges of the grid, so a cell needs context from every direction:
// one sweep from one corner sees only the quarter between that corner and the cell.
import { tensor, type Generator, type Tensor } from '@loom/core';

/** A batch of grids: input [B, H, W, 1] (1 = marked) and target [B, H, W, 1] (1 = another mark in my row or column). */
export interface GridBatch {
  readonly x: Tensor;
  readonly y: Tensor;
}

/**
 * `count` random grids of `size`×`size`. Each cell is marked with the probability that makes about half of the
 * targets 1: a cell sees 2(size − 1) others, so P(none marked) = (1 − p)^(2(size−1)) = ½.
 */
export function makeGrids(count: number, size: number, g: Generator): GridBatch {
  const p = 1 - 0.5 ** (1 / (2 * (size - 1)));
  const marks = Array.from({ length: count }, () =>
    Array.from({ length: size }, () => Array.from({ length: size }, () => (g.uniform() < p ? 1 : 0))),
  );
  const targets = marks.map((grid) =>
    grid.map((row, i) =>
      row.map((_, j) => {
        const inRow = row.some((m, c) => c !== j && m === 1);
        const inColumn = grid.some((r, k) => k !== i && r[j] === 1);
        return inRow || inColumn ? 1 : 0;
      }),
    ),
  );
  const shape = [count, size, size, 1];
  return { x: tensor(marks.flat(2), { shape }), y: tensor(targets.flat(2), { shape }) };
}
