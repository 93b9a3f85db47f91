import { describe, expect, it } from 'vitest';
import {
  Generator,
  LoomError,
  ShapeError,
  ValueError,
  add,
  concat,
  mul,
  randn,
  reshape,
  split,
  stack,
  tanh,
  type Tensor,
} from '@loom/core';
import {
  Activation,
  Bidirectional,
  GRUCell,
  LSTM,
  LSTMCell,
  Linear,
  Module,
  RNNCell,
  Recurrent,
  Sequential,
  SkipCell,
  Stacked,
  summary,
  type BidirectionalMerge,
  type SequenceLayer,
} from '@loom/layers';
import { checkModule, f64, opts, rand } from './_support.js';

/** Time step t of x [T, B, F] as [B, F]. */
const step = (x: Tensor, t: number) => reshape(split(x, x.shape[0]!, 0)[t]!, x.shape.slice(1));

/** Steps [0, n) of sequence b of x [T, B, F], as a batch of one: [n, 1, F]. */
function sequence(x: Tensor, b: number, n: number): Tensor {
  const rows = Array.from({ length: n }, (_, t) => split(step(x, t), x.shape[1]!, 0)[b]!);
  return stack(rows, 0);
}

const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThan(tol));
};

describe('Bidirectional', () => {
  const merges: BidirectionalMerge[] = ['concat', 'sum', 'mul', 'ave'];

  it.each(merges)("gradchecks (merge '%s', lengths, LSTM forward + GRU backward) against every parameter, h0 and x", (merge) => {
    const bi = new Bidirectional(new LSTMCell(2, 2, opts(1)), new GRUCell(2, 2, opts(2)), { merge });
    const [x, h, c, hb] = [rand([3, 2, 2], 3), rand([2, 2], 4), rand([2, 2], 5), rand([2, 2], 6)];
    const run = (...[xs, hf, cf, hr]: Tensor[]) => {
      const { outputs, state } = bi.forward(xs!, [[hf!, cf!], hr!], { lengths: [3, 2] });
      return [outputs, ...state[0], state[1]];
    };
    expect(bi.parameters().length).toBe(8);
    expect(checkModule(bi, [x, h, c, hb], run)).toBe(true);
  });

  it('merges step by step as documented, and concat puts forward features first', () => {
    const [fc, bc] = [new GRUCell(2, 3, opts(1)), new GRUCell(2, 3, opts(2))];
    const x = rand([4, 2, 2], 3);
    const f = new Recurrent(fc).forward(x).outputs;
    const b = new Recurrent(bc, { reverse: true }).forward(x).outputs;
    const out = (merge: BidirectionalMerge) => new Bidirectional(fc, bc, { merge }).forward(x).outputs;
    close(out('concat'), concat([f, b], -1));
    close(out('sum'), add(f, b));
    close(out('mul'), mul(f, b));
    close(out('ave'), mul(add(f, b), 0.5));
  });

  it("with lengths, each sequence's backward pass starts at its own last real step; padded outputs are zero", () => {
    const bi = new Bidirectional(new LSTMCell(2, 3, opts(1)), new LSTMCell(2, 3, opts(2)));
    const x = rand([5, 2, 2], 3);
    const lengths = [5, 2];
    const { outputs, state } = bi.forward(x, undefined, { lengths });
    lengths.forEach((n, b) => {
      const alone = bi.forward(sequence(x, b, n));
      close(sequence(outputs, b, n), alone.outputs);
      const [[hf, cf], [hb, cb]] = state;
      [hf, cf, hb, cb].forEach((s, i) => close(split(s, 2, 0)[b]!, alone.state.flat()[i]!));
    });
    for (let t = 2; t < 5; t++) expect(split(step(outputs, t), 2, 0)[1]!.data.every((v) => v === 0)).toBe(true);
  });

  it('takes ready-made layers (the backward one already reversed), batch-first, and returnSequences false', () => {
    const [fc, bc] = [new RNNCell(2, 3, opts(1)), new RNNCell(2, 3, opts(2))];
    const x = rand([2, 4, 2], 3); // [B, T, F]
    const fromCells = new Bidirectional(fc, bc, { batchFirst: true }).forward(x, undefined, { lengths: [4, 3] });
    const fromLayers = new Bidirectional(new Recurrent(fc, { batchFirst: true }), new Recurrent(bc, { batchFirst: true, reverse: true }));
    close(fromLayers.forward(x, undefined, { lengths: [4, 3] }).outputs, fromCells.outputs);
    expect(fromCells.outputs.shape).toEqual([2, 4, 6]);
    const last = new Bidirectional(fc, bc, { batchFirst: true, returnSequences: false }).forward(x, undefined, { lengths: [4, 3] });
    // The forward direction's last real step (3 and 2) and the backward direction's step 0.
    const at = (t: number, b: number) => split(split(fromCells.outputs, 2, 0)[b]!, 4, 1)[t]!;
    close(reshape(split(last.outputs, 2, 0)[0]!, [1, 1, 6]), concat([split(at(3, 0), 2, 2)[0]!, split(at(0, 0), 2, 2)[1]!], 2));
    close(reshape(split(last.outputs, 2, 0)[1]!, [1, 1, 6]), concat([split(at(2, 1), 2, 2)[0]!, split(at(0, 1), 2, 2)[1]!], 2));
  });

  it('names the merge and both shapes when the directions do not fit together', () => {
    const bi = new Bidirectional(new GRUCell(2, 3, opts(1)), new GRUCell(2, 4, opts(2)), { merge: 'sum' });
    expect(() => bi.forward(rand([3, 2, 2], 3))).toThrow(ShapeError);
    expect(() => bi.forward(rand([3, 2, 2], 3))).toThrow(
      "Bidirectional(merge 'sum'): forward outputs [3,2,3] and backward outputs [3,2,4]",
    );
    expect(new Bidirectional(new GRUCell(2, 3, opts(1)), new GRUCell(2, 4, opts(2))).forward(rand([3, 2, 2], 3)).outputs.shape).toEqual([
      3, 2, 7,
    ]);
    expect(() => new Bidirectional(new GRUCell(2, 3), new GRUCell(2, 3), { merge: 'max' as BidirectionalMerge })).toThrow(ValueError);
  });
});

/** A sequence layer that records its input and passes it through, to see what Stacked feeds the next layer. */
class Probe extends Module implements SequenceLayer<null> {
  seen: Tensor | null = null;
  forward(x: Tensor): { outputs: Tensor; state: null } {
    this.seen = x;
    return { outputs: x, state: null };
  }
}

describe('Stacked', () => {
  it('gradchecks (LSTM over GRU, lengths, dropout in eval mode) against every parameter, both initial states and x', () => {
    const deep = new Stacked<unknown>([new LSTMCell(2, 3, opts(1)), new GRUCell(3, 2, opts(2))], { dropout: 0.5 }).eval();
    const [x, h, c, h2] = [rand([3, 2, 2], 3), rand([2, 3], 4), rand([2, 3], 5), rand([2, 2], 6)];
    const run = (...[xs, h1, c1, hb]: Tensor[]) => {
      const { outputs, state } = deep.forward(xs!, [[h1!, c1!], hb!], { lengths: [3, 2] });
      return [outputs, ...(state[0] as Tensor[]), state[1] as Tensor];
    };
    expect(checkModule(deep, [x, h, c, h2], run)).toBe(true);
  });

  it('feeds each layer the previous outputs; one layer with dropout is exactly that layer (no dropout after the last)', () => {
    const [a, b] = [new GRUCell(2, 3, opts(1)), new GRUCell(3, 3, opts(2))];
    const x = rand([4, 2, 2], 3);
    const deep = new Stacked([a, b]).forward(x);
    const h1 = new Recurrent(a).forward(x);
    const h2 = new Recurrent(b).forward(h1.outputs);
    close(deep.outputs, h2.outputs);
    close(deep.state[0]!, h1.state);
    close(deep.state[1]!, h2.state);
    close(new Stacked([a], { dropout: 0.9 }).forward(x).outputs, h1.outputs);
  });

  const dropped = (variational: boolean) => {
    const cell = new GRUCell(2, 4, opts(1));
    const probe = new Probe();
    const deep = new Stacked<unknown>([cell, probe], { dropout: 0.5, variational, generator: new Generator(7) });
    const x = rand([6, 2, 2], 3);
    deep.forward(x);
    const clean = new Recurrent(cell).forward(x).outputs;
    // The ratio seen / clean is the mask: 0 or 1/(1 − p) = 2. The recurrence itself is untouched (clean is exact).
    const mask = Array.from(probe.seen!.data, (v, i) => Math.round(v / clean.data[i]!));
    expect(new Set(mask)).toEqual(new Set([0, 2]));
    deep.eval().forward(x);
    close(probe.seen!, clean);
    return Array.from({ length: 6 }, (_, t) => mask.slice(t * 8, (t + 1) * 8).join(''));
  };

  it('drops between layers with a fresh mask at every step, and not in eval mode', () => {
    expect(new Set(dropped(false)).size).toBeGreaterThan(1);
  });

  it('variational dropout reuses one mask per sequence at every step', () => {
    expect(new Set(dropped(true)).size).toBe(1);
  });

  it('says how many states it needs', () => {
    const deep = new Stacked([new GRUCell(2, 3), new GRUCell(3, 3)]);
    expect(() => deep.forward(rand([3, 2, 2], 1), [rand([2, 3], 2)])).toThrow('Stacked: got 1 initial states for 2 layers');
    expect(() => new Stacked([])).toThrow(ValueError);
  });
});

describe('SkipCell', () => {
  it('gradchecks (GRU, skip 2, T = 5, lengths) against every parameter, the initial ring and x', () => {
    const rnn = new Recurrent(new SkipCell(new GRUCell(2, 3, opts(1)), 2));
    const [x, s1, s2] = [rand([5, 2, 2], 3), rand([2, 3], 4), rand([2, 3], 5)];
    const run = (...[xs, a, b]: Tensor[]) => {
      const { outputs, state } = rnn.forward(xs!, [a!, b!], { lengths: [5, 3] });
      return [outputs, ...state];
    };
    expect(checkModule(rnn, [x, s1, s2], run)).toBe(true);
  });

  it('gradchecks an LSTM with a combine (the average of s_{t−1} and s_{t−3}) against every parameter and the ring', () => {
    const average = ([h1, c1]: [Tensor, Tensor], [hk, ck]: [Tensor, Tensor]): [Tensor, Tensor] => [
      mul(add(h1, hk), 0.5),
      mul(add(c1, ck), 0.5),
    ];
    const rnn = new Recurrent(new SkipCell(new LSTMCell(2, 2, opts(1)), 3, { combine: average }));
    const ring = [4, 5, 6, 7, 8, 9].map((s) => rand([2, 2], s));
    const x = rand([4, 2, 2], 3);
    const run = (...[xs, ...r]: Tensor[]) => {
      const { outputs, state } = rnn.forward(xs!, r);
      return [outputs, ...state];
    };
    expect(checkModule(rnn, [x, ...ring], run)).toBe(true);
  });

  it('is k interleaved chains of the inner cell (a dilated RNN), and the inner cell itself for k = 1', () => {
    const cell = new LSTMCell(2, 3, opts(1));
    const x = rand([7, 2, 2], 3);
    const k = 3;
    const skip = new SkipCell(cell, k);
    const { outputs, state } = new Recurrent(skip).forward(x);
    const chains = Array.from({ length: k }, (_, j) => {
      const steps = Array.from({ length: 7 }, (_, t) => t).filter((t) => t % k === j);
      return {
        steps,
        run: new Recurrent(cell).forward(
          stack(
            steps.map((t) => step(x, t)),
            0,
          ),
        ),
      };
    });
    for (const { steps, run } of chains) steps.forEach((t, i) => close(step(outputs, t), step(run.outputs, i)));
    // The ring is newest first: s_6 (chain 0), s_5 (chain 2), s_4 (chain 1).
    const rings = skip.unpack(state);
    [0, 2, 1].forEach((j, i) => rings[i]!.forEach((s, m) => close(s, chains[j]!.run.state[m]!)));
    close(skip.latest(state)[0], chains[0]!.run.state[0]);
    close(new Recurrent(new SkipCell(cell, 1)).forward(x).outputs, new Recurrent(cell).forward(x).outputs);
  });

  it('leaves the whole ring unchanged on padded steps', () => {
    const skip = new SkipCell(new GRUCell(2, 3, opts(1)), 2);
    const x = rand([5, 2, 2], 3);
    const { state } = new Recurrent(skip).forward(x, undefined, { lengths: [5, 3] });
    const alone = new Recurrent(skip).forward(sequence(x, 1, 3)).state;
    state.forEach((s, i) => close(split(s, 2, 0)[1]!, alone[i]!));
  });

  it('says what is wrong with a bad skip or ring', () => {
    expect(() => new SkipCell(new GRUCell(2, 3), 0)).toThrow('SkipCell: skip must be a whole number ≥ 1, got 0');
    const rnn = new Recurrent(new SkipCell(new LSTMCell(2, 3, f64), 2));
    expect(() => rnn.forward(rand([3, 2, 2], 1), [rand([2, 3], 2)])).toThrow(LoomError);
    const skip = new SkipCell(new LSTMCell(2, 3, f64), 2);
    expect(() => skip.unpack([rand([2, 3], 2)])).toThrow('SkipCell(skip 2): the state must hold 2 × 2 tensors (LSTMCell states), got 1');
    expect(new Recurrent(skip).forward(rand([3, 2, 2], 1)).state.length).toBe(4);
  });
});

describe('summary', () => {
  it('tabulates path, class, output shape and parameters, with totals', () => {
    const mlp = new Sequential(new Linear(4, 8), new Activation(tanh), new Linear(8, 2));
    const x = randn([3, 4]);
    expect(mlp.summary(() => mlp.forward(x))).toBe(
      [
        'Layer (type)           Output shape  Params',
        '===========================================',
        'Sequential             [3, 2]            58',
        'layers.0 (Linear)      [3, 8]            40',
        'layers.1 (Activation)  [3, 8]             0',
        'layers.2 (Linear)      [3, 2]            18',
        '===========================================',
        'Total params: 58',
        'Trainable params: 58',
        'Non-trainable params: 0',
      ].join('\n'),
    );
  });

  it('records the outputs of recurrent modules and counts the calls of cells; shared parameters count once', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const x = randn([5, 2, 3]);
    const table = lstm.summary(() => lstm.forward(x));
    const row = (label: string) => table.split('\n').find((r) => r.startsWith(`${label} `))!;
    expect(row('LSTM')).toMatch(/^LSTM +\[5, 2, 8\] +736$/);
    expect(row('stack (Stacked)')).toMatch(/\[5, 2, 8\] +736$/);
    expect(row('stack.layers.1 (Bidirectional)')).toMatch(/\[5, 2, 8\] +448$/);
    expect(row('stack.layers.0.backwardLayer (Recurrent)')).toMatch(/\[5, 2, 4\] +144$/);
    expect(row('stack.layers.0.backwardLayer.cell (LSTMCell)')).toMatch(/\[2, 4\] ×5 +144$/);
    expect(row('stack.dropout (Dropout)')).toMatch(/\[5, 2, 8\] +0$/);
    expect(table).toContain('Total params: 736');
    expect(lstm.parameterCount()).toBe(736);
    expect(summary(lstm)).toMatch(/^stack\.layers\.0\.forwardLayer\.cell \(LSTMCell\) +- +144$/m);
  });

  it('restores every forward and step afterwards, also when the run throws', () => {
    const skip = new SkipCell(new GRUCell(2, 3), 2);
    const model = new Stacked<unknown>([skip, new GRUCell(3, 3)]);
    const own = () =>
      [model, ...model.layers, skip, skip.cell].map((m) => Object.getOwnPropertyNames(m).filter((k) => k === 'forward' || k === 'step'));
    expect(model.summary(() => model.forward(randn([4, 2, 2])))).toContain('layers.0.cell.cell (GRUCell)');
    expect(own().flat()).toEqual([]);
    expect(() => model.summary(() => model.forward(randn([4, 2, 5])))).toThrow(ShapeError);
    expect(own().flat()).toEqual([]);
    expect(model.forward(randn([4, 2, 2])).outputs.shape).toEqual([4, 2, 3]);
  });
});
