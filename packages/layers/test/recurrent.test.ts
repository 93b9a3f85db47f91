import { describe, expect, it } from 'vitest';
import {
  Generator,
  ShapeError,
  add,
  matmul,
  mul,
  noGrad,
  randn,
  seed,
  slice,
  stack,
  sub,
  sum,
  square,
  tensor,
  transpose,
  zeros,
  type Tensor,
} from '@loom/core';
import { Cell, GRUCell, LSTMCell, RNNCell, Recurrent } from '@loom/layers';

// The contract of Recurrent: padding never reaches the state, the outputs or the gradients; reverse, batchFirst and
// returnSequences agree with hand-written loops; bad input fails early with the layer, the shapes and the time step.

const f64 = { dtype: 'float64' } as const;
const [T, B, I, H] = [4, 3, 3, 5];
const lengths = [4, 2, 0];

const gen = (n: number) => ({ ...f64, generator: new Generator(n) });
const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const steps = (t: Tensor): number[][][] => t.toArray() as number[][][];
/** x[from:to] along time. */
const timeSlice = (x: Tensor, from: number, to: number) => slice(x, [from], [to]);
const lstm = () => new LSTMCell(I, H, gen(1));
const inputs = () => randn([T, B, I], gen(2));
const initial = (): [Tensor, Tensor] => [randn([B, H], gen(3)), randn([B, H], gen(4))];

/** The mask of `lengths`, [T, B]. */
const maskOf = (ls: readonly number[]) =>
  tensor(
    Array.from({ length: T }, (_, t) => ls.map((n) => (t < n ? 1 : 0))),
    f64,
  );

describe('Recurrent: padding', () => {
  it('leaves the state untouched on masked steps: the same state as running only the real prefix', () => {
    const rnn = new Recurrent(lstm());
    const x = inputs();
    const h0 = initial();
    const { state } = rnn.forward(x, h0, { lengths });
    lengths.forEach((n, b) => {
      // Rows of a batch are computed independently, so the prefix run gives the very same bits.
      const prefix = n === 0 ? h0 : rnn.forward(timeSlice(x, 0, n), h0).state;
      expect(rows(state[0])[b]).toEqual(rows(prefix[0])[b]);
      expect(rows(state[1])[b]).toEqual(rows(prefix[1])[b]);
    });
  });

  it('a mask gives the same result as the lengths it encodes, and a gap carries the state across', () => {
    const rnn = new Recurrent(new GRUCell(I, H, gen(1)));
    const x = inputs();
    const h0 = randn([B, H], gen(3));
    const byLengths = rnn.forward(x, h0, { lengths });
    const byMask = rnn.forward(x, h0, { mask: maskOf(lengths) });
    expect(byMask.outputs.toArray()).toEqual(byLengths.outputs.toArray());
    expect(byMask.state.toArray()).toEqual(byLengths.state.toArray());
    // Sequence 0 skips steps 1 and 3: its final state is step(x2, step(x0, h0)), and its output at 1 and 3 is zero.
    const gap = tensor(
      [
        [1, 1, 1],
        [0, 1, 1],
        [1, 1, 1],
        [0, 1, 1],
      ],
      f64,
    );
    const gapped = rnn.forward(x, h0, { mask: gap });
    const at = (t: number) => tensor(steps(x)[t]!, f64);
    const [, manual] = rnn.cell.step(at(2), rnn.cell.step(at(0), h0)[1]);
    expect(rows(gapped.state)[0]).toEqual(rows(manual)[0]);
    expect([1, 3].map((t) => steps(gapped.outputs)[t]![0])).toEqual([Array<number>(H).fill(0), Array<number>(H).fill(0)]);
  });

  it('outputs exactly +0 on padded steps, even where the cell gives NaN', () => {
    // Padding filled with ±Infinity makes the padded steps' outputs Inf or NaN; Inf · 0 would be NaN, so padding
    // must be selected, not scaled by the mask. (Gradients need finite padding: Inf · 0 in a weight's gradient.)
    const rnn = new Recurrent(new RNNCell(I, H, gen(1)));
    const pad = (t: number, b: number) => t >= lengths[b]!;
    const x = tensor(
      Array.from({ length: T }, (_, t) =>
        Array.from({ length: B }, (_, b) => [0, 1, 2].map((k) => (pad(t, b) ? (k - 1) * Infinity : k / 3 - 0.5))),
      ),
      f64,
    );
    const { outputs } = rnn.forward(x, undefined, { lengths });
    steps(outputs).forEach((batch, t) =>
      batch.forEach((out, b) => {
        if (pad(t, b)) expect(out.every((v) => Object.is(v, 0))).toBe(true);
        else expect(out.every(Number.isFinite)).toBe(true);
      }),
    );
  });

  it('gives padded inputs exactly zero gradient, and real inputs a nonzero one', () => {
    const rnn = new Recurrent(lstm());
    const x = inputs();
    x.requiresGrad = true;
    const w = randn([T, B, H], gen(5));
    const { outputs, state } = rnn.forward(x, initial(), { lengths });
    add(sum(mul(outputs, w)), add(sum(square(state[0])), sum(state[1]))).backward();
    steps(x.grad!).forEach((batch, t) =>
      batch.forEach((g, b) => {
        if (t >= lengths[b]!) expect(g.every((v) => v === 0)).toBe(true);
        else expect(g.some((v) => v !== 0)).toBe(true);
      }),
    );
  });
});

describe('Recurrent: options against hand-written loops', () => {
  it('reverse runs from the last step to the first and keeps outputs in input order', () => {
    const cell = lstm();
    const x = inputs();
    const h0 = initial();
    const { outputs, state } = new Recurrent(cell, { reverse: true }).forward(x, h0);
    const expected: Tensor[] = new Array(T);
    let s: [Tensor, Tensor] = h0;
    for (let t = T - 1; t >= 0; t--) {
      const xt = tensor(steps(x)[t]!, f64);
      [expected[t], s] = cell.step(xt, s);
    }
    expect(outputs.toArray()).toEqual(stack(expected as Tensor[], 0).toArray());
    expect(state[0].toArray()).toEqual(s[0].toArray());
    expect(state[1].toArray()).toEqual(s[1].toArray());
  });

  it('reverse with lengths starts each sequence at its own last real step (as PyTorch packed sequences)', () => {
    const cell = new GRUCell(I, H, gen(1));
    const x = inputs();
    const h0 = randn([B, H], gen(3));
    const rnn = new Recurrent(cell, { reverse: true });
    const { outputs, state } = rnn.forward(x, h0, { lengths });
    lengths.forEach((n, b) => {
      if (n === 0) return expect(rows(state)[b]).toEqual(rows(h0)[b]);
      const prefix = rnn.forward(timeSlice(x, 0, n), h0);
      expect(rows(state)[b]).toEqual(rows(prefix.state)[b]);
      for (let t = 0; t < n; t++) expect(steps(outputs)[t]![b]).toEqual(steps(prefix.outputs)[t]![b]);
    });
  });

  it('batchFirst is the same as transposing inputs, mask and outputs', () => {
    const cell = lstm();
    const x = inputs();
    const h0 = initial();
    const mask = maskOf(lengths);
    const timeFirst = new Recurrent(cell).forward(x, h0, { mask });
    const batchFirst = new Recurrent(cell, { batchFirst: true }).forward(transpose(x, [1, 0, 2]), h0, { mask: transpose(mask, [1, 0]) });
    expect(batchFirst.outputs.shape).toEqual([B, T, H]);
    expect(batchFirst.outputs.toArray()).toEqual(transpose(timeFirst.outputs, [1, 0, 2]).toArray());
    expect(batchFirst.state[0].toArray()).toEqual(timeFirst.state[0].toArray());
    // lengths mean the same with either layout
    const byLengths = new Recurrent(cell, { batchFirst: true }).forward(transpose(x, [1, 0, 2]), h0, { lengths });
    expect(byLengths.outputs.toArray()).toEqual(batchFirst.outputs.toArray());
  });

  it('returnSequences: false returns the last real output of each sequence (zeros for an empty one)', () => {
    const cell = lstm();
    const x = inputs();
    const h0 = initial();
    const all = steps(new Recurrent(cell).forward(x, h0, { lengths }).outputs);
    const last = new Recurrent(cell, { returnSequences: false }).forward(x, h0, { lengths }).outputs;
    expect(last.shape).toEqual([B, H]);
    expect(rows(last)).toEqual(lengths.map((n, b) => (n === 0 ? Array<number>(H).fill(0) : all[n - 1]![b]!)));
    // Unmasked: the last step; reversed: the step processed last, t = 0.
    const full = steps(new Recurrent(cell).forward(x, h0).outputs);
    expect(rows(new Recurrent(cell, { returnSequences: false }).forward(x, h0).outputs)).toEqual(full[T - 1]);
    const reversed = steps(new Recurrent(cell, { reverse: true }).forward(x, h0, { lengths }).outputs);
    const reversedLast = new Recurrent(cell, { reverse: true, returnSequences: false }).forward(x, h0, { lengths }).outputs;
    expect(rows(reversedLast)).toEqual(lengths.map((n, b) => (n === 0 ? Array<number>(H).fill(0) : reversed[0]![b]!)));
  });
});

describe('Recurrent: errors name the layer, the shapes and the time step', () => {
  const rnn = new Recurrent(lstm());
  const x = inputs();
  const fails = (f: () => unknown, message: RegExp) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  };

  it('wrong input size or rank', () => {
    fails(
      () => rnn.forward(randn([T, B, I + 1], f64)),
      /^Recurrent\(LSTMCell\): input has 4 features per step \(shape \[4,3,4\]\) but the cell takes 3/,
    );
    fails(() => rnn.forward(randn([T, I], f64)), /^Recurrent\(LSTMCell\): input must be \[T, B, features\], got \[4,3\]/);
    fails(
      () => new Recurrent(lstm(), { batchFirst: true }).forward(randn([B, T], f64)),
      /^Recurrent\(LSTMCell\): input must be \[B, T, features\], got \[3,4\]/,
    );
  });

  it('an initial state of the wrong shape or structure', () => {
    const [h0, c0] = initial();
    fails(
      () => rnn.forward(x, [h0, randn([B, H + 1], f64)]),
      /Recurrent\(LSTMCell\): initial state has shape \(\[3,5\], \[3,6\]\) but the cell needs \(\[3,5\], \[3,5\]\) for batch 3/,
    );
    fails(
      () => rnn.forward(x, [c0] as unknown as [Tensor, Tensor]),
      /initial state has shape \(\[3,5\]\) but the cell needs \(\[3,5\], \[3,5\]\)/,
    );
    fails(
      () => new Recurrent(new GRUCell(I, H, f64)).forward(x, randn([B + 1, H], f64)),
      /^Recurrent\(GRUCell\): initial state has shape \[4,5\] but the cell needs \[3,5\] for batch 3/,
    );
  });

  it('a mask that does not match the input', () => {
    fails(
      () => rnn.forward(x, undefined, { mask: zeros([B, T], f64) }),
      /^Recurrent\(LSTMCell\): mask has shape \[3,4\] but the input needs \[4,3\] \(\[T, B\]\)/,
    );
    fails(
      () => rnn.forward(x, undefined, { mask: zeros([T * B], f64) }),
      /^Recurrent\(LSTMCell\): mask has shape \[12\] but the input needs \[4,3\]/,
    );
    const bf = new Recurrent(lstm(), { batchFirst: true });
    const xb = transpose(x, [1, 0, 2]);
    fails(
      () => bf.forward(xb, undefined, { mask: zeros([T, B], f64) }),
      /^Recurrent\(LSTMCell\): mask has shape \[4,3\] but the input needs \[3,4\] \(\[B, T\]\)/,
    );
    fails(
      () => bf.forward(xb, undefined, { mask: zeros([B], f64) }),
      /^Recurrent\(LSTMCell\): mask has shape \[3\] but the input needs \[3,4\] \(\[B, T\]\)/,
    );
    fails(() => rnn.forward(x, undefined, { mask: maskOf(lengths), lengths }), /^Recurrent\(LSTMCell\): give a mask or lengths, not both/);
  });

  it('lengths out of range, fractional or of the wrong count', () => {
    const message = /^Recurrent\(LSTMCell\): lengths \[.*\] must be 3 whole numbers in 0…4 \(the batch and the number of steps\)/;
    for (const bad of [
      [5, 1, 1],
      [-1, 1, 1],
      [1.5, 1, 1],
      [4, 4],
      [4, 4, 4, 4],
    ])
      fails(() => rnn.forward(x, undefined, { lengths: bad }), message);
  });

  it('an error raised inside a step names the op, its shapes, the layer and the time step', () => {
    /** Breaks at step 2 by using a weight that no longer fits. */
    class Flaky extends Cell<Tensor> {
      calls = 0;
      w = zeros([I, H], f64);
      initialState(batch: number) {
        return zeros([batch, H], f64);
      }
      step(xt: Tensor, h: Tensor): [Tensor, Tensor] {
        const w = this.calls++ === 2 ? zeros([I + 1, H], f64) : this.w;
        const next = add(matmul(xt, w), h);
        return [next, next];
      }
    }
    fails(() => new Recurrent(new Flaky()).forward(x), /^matmul: .*\[3,3\].*\[4,5\].* \(in Recurrent\(Flaky\) at time step 2\)$/);
    // Reversed, the third call is at t = T − 3 = 1.
    fails(() => new Recurrent(new Flaky(), { reverse: true }).forward(x), /\(in Recurrent\(Flaky\) at time step 1\)$/);
    // Non-loom errors (bugs) pass through unchanged.
    class Buggy extends Flaky {
      override step(): [Tensor, Tensor] {
        throw new TypeError('boom');
      }
    }
    expect(() => new Recurrent(new Buggy()).forward(x)).toThrow(/^boom$/);
  });
});

describe('Recurrent: determinism', () => {
  /** Builds a model from the global seed and trains it a few SGD steps; returns every loss and the final outputs. */
  function run(n: number): { losses: number[]; outputs: number[] } {
    seed(n);
    const rnn = new Recurrent(new LSTMCell(3, 6));
    const x = randn([5, 4, 3]);
    const target = randn([5, 4, 6]);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const loss = sum(square(sub(rnn.forward(x, undefined, { lengths: [5, 3, 1, 4] }).outputs, target)));
      losses.push(loss.item());
      loss.backward();
      for (const p of rnn.parameters()) {
        p.assign(noGrad(() => sub(p, mul(p.grad!, 0.05))));
        p.grad = null;
      }
    }
    return { losses, outputs: Array.from(rnn.forward(x).outputs.data) };
  }

  it('the same seed gives bit-identical losses and outputs; another seed does not', () => {
    const a = run(11);
    const b = run(11);
    expect(b.losses).toEqual(a.losses);
    expect(b.outputs).toEqual(a.outputs);
    expect(a.losses[3]).toBeLessThan(a.losses[0]!);
    expect(run(12).losses).not.toEqual(a.losses);
  });
});

describe('ProjectedCell', () => {
  it('Recurrent projects the whole sequence once, and the result equals stepping the cell by hand', () => {
    const cell = new LSTMCell(3, 4, { dtype: 'float64' });
    let projections = 0;
    const project = cell.project.bind(cell);
    cell.project = (x) => {
      projections += 1;
      return project(x);
    };
    const x = randn([5, 2, 3], { dtype: 'float64' });
    const { outputs } = new Recurrent(cell).forward(x);
    expect(projections).toBe(1);
    let state = cell.initialState(2);
    const xs = x.toArray() as number[][][];
    xs.forEach((row, t) => {
      const [h, next] = cell.step(tensor(row, { dtype: 'float64' }), state);
      state = next;
      expect(h.toArray()).toEqual((outputs.toArray() as number[][][])[t]);
    });
  });
});
