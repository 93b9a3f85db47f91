import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, concat, reshape, split, stack, transpose, type Tensor } from '@loom/core';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, Recurrent, type Cell, type Module, type Parameter } from '@loom/layers';
import { checkModule, f64, opts, rand } from './_support.js';

const names = (m: Module) => m.namedParameters().map(([name]) => name);
const shapes = (m: Module) => Object.fromEntries(m.namedParameters().map(([name, p]) => [name, p.shape]));
const row = (t: Tensor, k: number) => reshape(split(t, t.shape[0]!, 0)[k]!, t.shape.slice(1));

const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThan(tol));
};

/** Copies the PyTorch-named parameters `weight_ih_l{k}{suffix}`, … of `module` into a fresh cell's fields. */
function copyInto<C extends Cell<any>>(cell: C, module: Module, suffix: string): C {
  const named = new Map(module.namedParameters());
  const fields = { weight_ih: 'weightIh', weight_hh: 'weightHh', bias_ih: 'biasIh', bias_hh: 'biasHh', weight_hr: 'weightHr' } as const;
  for (const [torch, field] of Object.entries(fields)) {
    const target = (cell as unknown as Record<string, Parameter | null | undefined>)[field];
    if (target) target.assign(named.get(`${torch}_${suffix}`)!);
  }
  return cell;
}

describe('parameter names and shapes are PyTorch’s', () => {
  it('LSTM(numLayers 2, bidirectional, projSize)', () => {
    // PyTorch: I = 3, H = 5, P = 2, D = 2; layer 1 reads D·P = 4 features.
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true, projSize: 2 });
    expect(names(lstm)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_hr_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
      'bias_hh_l0_reverse',
      'weight_hr_l0_reverse',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
      'weight_hr_l1',
      'weight_ih_l1_reverse',
      'weight_hh_l1_reverse',
      'bias_ih_l1_reverse',
      'bias_hh_l1_reverse',
      'weight_hr_l1_reverse',
    ]);
    expect(shapes(lstm)).toEqual({
      weight_ih_l0: [20, 3],
      weight_hh_l0: [20, 2],
      bias_ih_l0: [20],
      bias_hh_l0: [20],
      weight_hr_l0: [2, 5],
      weight_ih_l0_reverse: [20, 3],
      weight_hh_l0_reverse: [20, 2],
      bias_ih_l0_reverse: [20],
      bias_hh_l0_reverse: [20],
      weight_hr_l0_reverse: [2, 5],
      weight_ih_l1: [20, 4],
      weight_hh_l1: [20, 2],
      bias_ih_l1: [20],
      bias_hh_l1: [20],
      weight_hr_l1: [2, 5],
      weight_ih_l1_reverse: [20, 4],
      weight_hh_l1_reverse: [20, 2],
      bias_ih_l1_reverse: [20],
      bias_hh_l1_reverse: [20],
      weight_hr_l1_reverse: [2, 5],
    });
    expect(lstm.weight_hr_l1_reverse).toBe(lstm.namedParameters()[19]![1]);
    expect(lstm.parameters().length).toBe(20);
  });

  it('GRU without bias, and a two-layer RNN', () => {
    expect(shapes(new GRU(3, 4, { bidirectional: true, bias: false }))).toEqual({
      weight_ih_l0: [12, 3],
      weight_hh_l0: [12, 4],
      weight_ih_l0_reverse: [12, 3],
      weight_hh_l0_reverse: [12, 4],
    });
    expect(shapes(new RNN(3, 4, { numLayers: 2 }))).toEqual({
      weight_ih_l0: [4, 3],
      weight_hh_l0: [4, 4],
      bias_ih_l0: [4],
      bias_hh_l0: [4],
      weight_ih_l1: [4, 4],
      weight_hh_l1: [4, 4],
      bias_ih_l1: [4],
      bias_hh_l1: [4],
    });
  });

  it('start U(−1/√H, 1/√H), bit-identical for the same seed', () => {
    const a = new GRU(3, 4, { numLayers: 2, generator: new Generator(5) });
    const b = new GRU(3, 4, { numLayers: 2, generator: new Generator(5) });
    a.parameters().forEach((p, i) => {
      expect(Array.from(p.data)).toEqual(Array.from(b.parameters()[i]!.data));
      expect(p.data.every((v) => Math.abs(v) <= 0.5)).toBe(true);
    });
  });
});

describe('h_n and c_n: layer-major, forward before reverse', () => {
  it('LSTM(2 layers, bidirectional, projSize) equals running its cells by hand', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2, ...opts(1) });
    const [x, h0, c0] = [rand([5, 2, 3], 2), rand([4, 2, 2], 3), rand([4, 2, 4], 4)];
    const { output, h_n, c_n } = lstm.forward(x, [h0, c0]);
    let input = x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < 2; l++) {
      const outs = ['', '_reverse'].map((suffix, d) => {
        const cell = copyInto(new LSTMCell(l === 0 ? 3 : 4, 4, { ...f64, projSize: 2 }), lstm, `l${l}${suffix}`);
        const k = 2 * l + d;
        const run = new Recurrent(cell, { reverse: d === 1 }).forward(input, [row(h0, k), row(c0, k)]);
        hs.push(run.state[0]);
        cs.push(run.state[1]);
        return run.outputs;
      });
      input = concat(outs, -1);
    }
    close(output, input);
    close(h_n, stack(hs, 0));
    close(c_n, stack(cs, 0));
    expect([output.shape, h_n.shape, c_n.shape]).toEqual([
      [5, 2, 4],
      [4, 2, 2],
      [4, 2, 4],
    ]);
  });

  it('GRU (batch-first, 3 layers, one direction) equals running its cells by hand; h_n stays [L, B, H]', () => {
    const gru = new GRU(2, 3, { numLayers: 3, batchFirst: true, ...opts(1) });
    const [x, h0] = [rand([2, 4, 2], 2), rand([3, 2, 3], 3)];
    const { output, h_n } = gru.forward(x, h0);
    let input = transpose(x, [1, 0, 2]);
    const hs = [0, 1, 2].map((l) => {
      const run = new Recurrent(copyInto(new GRUCell(l === 0 ? 2 : 3, 3, f64), gru, `l${l}`)).forward(input, row(h0, l));
      input = run.outputs;
      return run.state;
    });
    close(output, transpose(input, [1, 0, 2]));
    close(h_n, stack(hs, 0));
  });

  it('with lengths, h_n holds each sequence’s state at its own last real step, in both directions', () => {
    const rnn = new RNN(2, 3, { numLayers: 2, bidirectional: true, ...opts(1) });
    const x = rand([5, 3, 2], 2);
    const lengths = [5, 2, 4];
    const { output, h_n } = rnn.forward(x, undefined, { lengths });
    lengths.forEach((n, b) => {
      const one = (t: Tensor, axis: number) => split(t, 3, axis)[b]!;
      const alone = rnn.forward(
        split(one(x, 1), 5, 0)
          .slice(0, n)
          .reduce((a, s) => concat([a, s], 0)),
      );
      close(one(h_n, 1), alone.h_n);
      const real = split(one(output, 1), 5, 0);
      real.slice(0, n).forEach((s, t) => close(s, split(alone.output, n, 0)[t]!));
      real.slice(n).forEach((s) => expect(s.data.every((v) => v === 0)).toBe(true));
    });
  });
});

describe('gradcheck through an unrolled sequence (T = 3, B = 2) against every parameter, h0 (and c0) and x', () => {
  it('LSTM: 2 layers, bidirectional, projSize, lengths', () => {
    const lstm = new LSTM(2, 2, { numLayers: 2, bidirectional: true, projSize: 1, ...opts(1) });
    const [x, h0, c0] = [rand([3, 2, 2], 2), rand([4, 2, 1], 3), rand([4, 2, 2], 4)];
    const run = (xs: Tensor, h: Tensor, c: Tensor) => {
      const { output, h_n, c_n } = lstm.forward(xs, [h, c], { lengths: [3, 2] });
      return [output, h_n, c_n];
    };
    expect(checkModule(lstm, [x, h0, c0], run as (...t: Tensor[]) => Tensor[])).toBe(true);
  });

  it('GRU: 2 layers, bidirectional, batch-first, dropout in eval mode', () => {
    const gru = new GRU(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.5, ...opts(1) }).eval();
    const [x, h0] = [rand([2, 3, 2], 2), rand([4, 2, 2], 3)];
    const run = (xs: Tensor, h: Tensor) => {
      const { output, h_n } = gru.forward(xs, h, { lengths: [2, 3] });
      return [output, h_n];
    };
    expect(checkModule(gru, [x, h0], run as (...t: Tensor[]) => Tensor[])).toBe(true);
  });

  it('RNN: 2 layers, tanh', () => {
    const rnn = new RNN(2, 3, { numLayers: 2, ...opts(1) });
    const [x, h0] = [rand([3, 2, 2], 2), rand([2, 2, 3], 3)];
    const run = (xs: Tensor, h: Tensor) => {
      const { output, h_n } = rnn.forward(xs, h);
      return [output, h_n];
    };
    expect(checkModule(rnn, [x, h0], run as (...t: Tensor[]) => Tensor[])).toBe(true);
  });
});

describe('options', () => {
  it('dropout acts between layers in training mode only; with one layer it does nothing', () => {
    const x = rand([4, 2, 3], 2);
    const drop = new LSTM(3, 4, { numLayers: 2, dropout: 0.5, ...opts(1) });
    const plain = new LSTM(3, 4, { numLayers: 2, ...opts(1) });
    expect(drop.forward(x).output.data).not.toEqual(plain.forward(x).output.data);
    expect(drop.eval().forward(x).output.data).toEqual(plain.forward(x).output.data);
    const single = new GRU(3, 4, { dropout: 0.5, ...opts(1) });
    expect(single.forward(x).output.data).toEqual(new GRU(3, 4, opts(1)).forward(x).output.data);
  });

  it('relu nonlinearity is used by every RNN cell', () => {
    const rnn = new RNN(3, 4, { numLayers: 2, nonlinearity: 'relu', ...opts(1) });
    const { output } = rnn.forward(rand([4, 2, 3], 2));
    expect(output.data.every((v) => v >= 0)).toBe(true);
    expect(output.data.some((v) => v === 0)).toBe(true);
    const cell = copyInto(new RNNCell(3, 4, { ...f64, nonlinearity: 'relu' }), rnn, 'l0');
    expect(cell.weightIh.data).toEqual(rnn.weight_ih_l0!.data);
  });
});

describe('errors name the module and the shapes', () => {
  const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2, ...f64 });
  const x = rand([5, 2, 3], 1);

  it('wrong input size or rank', () => {
    expect(() => lstm.forward(rand([5, 2, 4], 1))).toThrow(ShapeError);
    expect(() => lstm.forward(rand([5, 2, 4], 1))).toThrow(
      'LSTM: input has shape [5,2,4] but must be [T, B, features] with 3 features (inputSize)',
    );
    expect(() => new GRU(3, 4, { batchFirst: true }).forward(rand([2, 3], 1))).toThrow(
      'GRU: input has shape [2,3] but must be [B, T, features] with 3 features (inputSize)',
    );
  });

  it('wrong h0 or c0 shape', () => {
    expect(() => lstm.forward(x, [rand([2, 2, 2], 1), rand([4, 2, 4], 1)])).toThrow(
      'LSTM: h0 has shape [2,2,2] but must be [4,2,2] (numLayers·numDirections, batch, features)',
    );
    expect(() => lstm.forward(x, [rand([4, 2, 2], 1), rand([4, 2, 2], 1)])).toThrow('LSTM: c0 has shape [4,2,2] but must be [4,2,4]');
    expect(() => new RNN(3, 4).forward(x, rand([1, 3, 4], 1))).toThrow('RNN: h0 has shape [1,3,4] but must be [1,2,4]');
  });

  it('bad options', () => {
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow(ValueError);
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow('LSTM: projSize must be a whole number in 0…3 (less than hiddenSize), got 4');
    expect(() => new GRU(3, 4, { numLayers: 0 })).toThrow('GRU: numLayers must be a whole number ≥ 1, got 0');
    expect(() => new RNN(3, 4, { dropout: 1 })).toThrow('RNN: dropout must be in [0, 1), got 1');
  });
});
