import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, add, grad, concat, gather, reshape, stack, sum, type Tensor } from '@loom/core';
import { GridLSTMCell, GridRNN, GridRNNCell, type GridCell, type GridCorner } from '@loom/layers';
import { checkModule, opts, rand } from './_support.js';

/** One sweep evaluated cell by cell in the sweep's own frame: the definition, with no wavefront batching. */
function cellByCell<S extends Tensor | [Tensor, Tensor]>(cell: GridCell<S>, corner: GridCorner, x: Tensor): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const at = (i: number, j: number) => {
    const row = corner.startsWith('bottom') ? H - 1 - i : i;
    const col = corner.endsWith('right') ? W - 1 - j : j;
    return row * W + col;
  };
  const flat = reshape(x, [B, H * W, C]);
  const states = new Map<number, S>();
  const outputs = new Map<number, Tensor>();
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const v = i > 0 ? states.get(at(i - 1, j))! : cell.initialState(B, 1);
      const h = j > 0 ? states.get(at(i, j - 1))! : cell.initialState(B, 1);
      const [out, s] = cell.step(cell.project(gather(flat, [at(i, j)], 1)), v, h);
      states.set(at(i, j), s);
      outputs.set(at(i, j), out);
    }
  }
  const rowMajor = Array.from({ length: H * W }, (_, k) => outputs.get(k)!);
  return reshape(concat(rowMajor, 1), [B, H, W, cell.outputSize]);
}

const close = (a: Tensor, b: Tensor) => {
  const [x, y] = [a.toTypedArray(), b.toTypedArray()];
  expect(a.shape).toEqual(b.shape);
  x.forEach((v, k) => expect(v).toBeCloseTo(y[k]!, 12));
};

describe('GridRNN', () => {
  it.each([
    ['GridRNNCell', (seed: number) => new GridRNNCell(3, 4, opts(seed))],
    ['GridLSTMCell', (seed: number) => new GridLSTMCell(3, 4, opts(seed))],
  ] as const)('%s: the wavefront sweeps equal the cell-by-cell definition, merged by concat or sum', (_, make) => {
    let seed = 10;
    const rnn = new GridRNN<Tensor | [Tensor, Tensor]>(() => make(seed++) as GridCell<Tensor | [Tensor, Tensor]>);
    const x = rand([2, 3, 5, 3], 1);
    const sweeps = rnn.cells.map((cell, k) => cellByCell(cell, rnn.corners[k]!, x));
    const out = rnn.forward(x);
    expect(out.shape).toEqual([2, 3, 5, 16]);
    close(out, concat(sweeps, -1));
    const summed = new GridRNN<Tensor | [Tensor, Tensor]>((corner) => rnn.cells[rnn.corners.indexOf(corner)]!, { merge: 'sum' });
    close(
      summed.forward(x),
      sweeps.reduce((a, b) => add(a, b)),
    );
  });

  it('each sweep sees exactly the quarter between its corner and the cell; all four see the whole grid', () => {
    const x = rand([1, 4, 5, 2], 2);
    const reach = (...corners: GridCorner[]) => {
      const rnn = new GridRNN(() => new GridRNNCell(2, 3, opts(3)), { corners, merge: 'sum' });
      const outputAt12 = (input: Tensor) => sum(gather(reshape(rnn.forward(input), [20, 3]), [1 * 5 + 2], 0));
      const g = grad(outputAt12)(x).toArray() as number[][][][];
      return g[0]!.map((row) => row.map((c) => (c.some((v) => v !== 0) ? 1 : 0)));
    };
    expect(reach('top-left')).toEqual([
      [1, 1, 1, 0, 0],
      [1, 1, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(reach('bottom-right')).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 1, 1, 1],
      [0, 0, 1, 1, 1],
      [0, 0, 1, 1, 1],
    ]);
    expect(reach('top-right')).toEqual([
      [0, 0, 1, 1, 1],
      [0, 0, 1, 1, 1],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(reach('bottom-left')).toEqual([
      [0, 0, 0, 0, 0],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 0, 0],
    ]);
    expect(reach('top-left', 'top-right', 'bottom-left', 'bottom-right').flat()).toEqual(new Array(20).fill(1));
  });

  it.each([
    ['GridRNNCell', () => new GridRNN(() => new GridRNNCell(2, 2, opts(4)))],
    ['GridLSTMCell', () => new GridRNN(() => new GridLSTMCell(2, 2, opts(5)), { merge: 'sum' })],
  ] as const)('%s: gradcheck against the input and every parameter on a 2×3 grid, B = 2', (_, make) => {
    const rnn = make();
    expect(checkModule(rnn, [rand([2, 2, 3, 2], 6)], (x) => rnn.forward(x))).toBe(true);
  });

  it('bad input is a ShapeError with the shapes; bad options are refused', () => {
    const rnn = new GridRNN(() => new GridRNNCell(3, 4, opts(7)));
    expect(() => rnn.forward(rand([2, 3, 4], 1))).toThrow(ShapeError);
    expect(() => rnn.forward(rand([2, 3, 4, 2], 1))).toThrow(
      'GridRNN(GridRNNCell): input must be [B, H, W, 3] (grids of 3 channels, no empty axis), got [2,3,4,2]',
    );
    expect(() => rnn.forward(rand([2, 0, 4, 3], 1))).toThrow(/got \[2,0,4,3\]/);
    expect(() => new GridRNN(() => new GridRNNCell(3, 4), { corners: [] })).toThrow(ValueError);
    expect(() => new GridRNN(() => new GridRNNCell(3, 4), { corners: ['top-left', 'top-left'] })).toThrow(/must be distinct/);
    let n = 2;
    expect(() => new GridRNN(() => new GridRNNCell(3, n++))).toThrow(
      "GridRNN: the sweeps' cells must have the same sizes, got 3→2, 3→3, 3→4, 3→5",
    );
  });

  it('an error inside a cell names the sweep and the diagonal', () => {
    const rnn = new GridRNN(() => new GridRNNCell(3, 4, opts(8)), { corners: ['bottom-right'] });
    const cell = rnn.cells[0]!;
    const step = cell.step.bind(cell);
    cell.step = (p, v, h) => (v.shape[1] === 2 ? step(p, stack([v], 0), h) : step(p, v, h));
    expect(() => rnn.forward(rand([1, 3, 3, 3], 1))).toThrow(/\(in GridRNN\(GridRNNCell\) sweep from the bottom-right at diagonal 1\)/);
  });
});
