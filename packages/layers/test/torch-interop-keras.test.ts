import { describe, expect, it } from 'vitest';
import { ShapeError, add, matmul, mul, onesLike, reshape, sigmoid, split, sub, tanh, type Tensor } from '@loom/core';
import { GRUCell, LSTMCell, fromKeras, toKeras, type KerasRecurrentWeights } from '@loom/layers';
import { f64, opts, rand } from './_support.js';
import { maxAbsDiff } from './torch-interop-fixtures.js';

// Keras's equations, written from its documentation in Keras's own layout (x · kernel, column blocks i, f, c, o
// for the LSTM and z, r, h for the GRU), so the converted loom cells are checked against an independent reading.
const [I, H, B, T] = [3, 4, 2, 3];
const blocks = (t: Tensor, n: number) => split(t, n, -1);

function kerasLSTM({ kernel, recurrentKernel, bias }: KerasRecurrentWeights, x: Tensor, [h, c]: [Tensor, Tensor]) {
  const z = add(matmul(x, kernel), matmul(h, recurrentKernel));
  const [i, f, g, o] = blocks(bias ? add(z, bias) : z, 4) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(cNext)), cNext] as [Tensor, Tensor];
}

function kerasGRU({ kernel, recurrentKernel, bias }: KerasRecurrentWeights, x: Tensor, h: Tensor, resetAfter: boolean) {
  const [xz, xr, xh] = blocks(add(matmul(x, kernel), resetAfter ? row(bias!, 0) : bias!), 3) as [Tensor, Tensor, Tensor];
  if (resetAfter) {
    // reset_after: the recurrent bias joins h · recurrent_kernel before the split, and r scales the h block.
    const [hz, hr, hh] = blocks(add(matmul(h, recurrentKernel), row(bias!, 1)), 3) as [Tensor, Tensor, Tensor];
    const [z, r] = [sigmoid(add(xz, hz)), sigmoid(add(xr, hr))];
    return add(mul(z, h), mul(sub(onesLike(z), z), tanh(add(xh, mul(r, hh)))));
  }
  const [uz, ur, uh] = split(recurrentKernel, 3, 1) as [Tensor, Tensor, Tensor];
  const [z, r] = [sigmoid(add(xz, matmul(h, uz))), sigmoid(add(xr, matmul(h, ur)))];
  return add(mul(z, h), mul(sub(onesLike(z), z), tanh(add(xh, matmul(mul(r, h), uh)))));
}
const row = (t: Tensor, k: number) => reshape(split(t, 2, 0)[k]!, [3 * H]);

const kerasWeights = (gates: number, bias: number[] | null, seed: number): KerasRecurrentWeights => ({
  kernel: rand([I, gates * H], seed),
  recurrentKernel: rand([H, gates * H], seed + 1),
  bias: bias && rand(bias, seed + 2),
});
const xs = rand([T, B, I], 50);

/** Largest difference between the loom cell's and Keras's outputs over T steps from the same random state. */
function runBoth<S>(step: (x: Tensor, s: S) => [Tensor, S], keras: (x: Tensor, s: S) => [Tensor, S], s0: S): number {
  let [a, b, worst] = [s0, s0, 0];
  for (const x of split(xs, T, 0).map((t) => reshape(t, [B, I]))) {
    const [ya, na] = step(x, a);
    const [yb, nb] = keras(x, b);
    worst = Math.max(worst, maxAbsDiff(ya, yb));
    [a, b] = [na, nb];
  }
  return worst;
}

describe('fromKeras', () => {
  it.each([true, false])('LSTM (use_bias=%s) computes what Keras computes', (useBias) => {
    const w = kerasWeights(4, useBias ? [4 * H] : null, 1);
    const cell = new LSTMCell(I, H, { ...opts(9), bias: useBias });
    cell.loadStateDict(fromKeras(w, { kind: 'LSTM' }));
    const s0: [Tensor, Tensor] = [rand([B, H], 3), rand([B, H], 4)];
    const keras = (x: Tensor, s: [Tensor, Tensor]) => {
      const next = kerasLSTM(w, x, s);
      return [next[0], next] as [Tensor, [Tensor, Tensor]];
    };
    expect(runBoth((x, s) => cell.step(x, s), keras, s0)).toBeLessThan(1e-12);
  });

  it.each([true, false])('GRU (reset_after=%s) computes what Keras computes', (resetAfter) => {
    const w = kerasWeights(3, resetAfter ? [2, 3 * H] : [3 * H], 5);
    const cell = new GRUCell(I, H, { ...opts(9), resetBefore: !resetAfter });
    cell.loadStateDict(fromKeras(w, { kind: 'GRU', resetAfter }));
    const keras = (x: Tensor, h: Tensor) => {
      const next = kerasGRU(w, x, h, resetAfter);
      return [next, next] as [Tensor, Tensor];
    };
    expect(runBoth((x, h) => cell.step(x, h), keras, rand([B, H], 6))).toBeLessThan(1e-12);
  });

  it('rejects weights of the wrong shapes, naming the argument and both shapes', () => {
    const w = kerasWeights(3, [3 * H], 7);
    expect(() => fromKeras({ ...w, kernel: rand([I, 10], 8) }, { kind: 'GRU' })).toThrow(
      new ShapeError('fromKeras: kernel has shape [3,10] but must be [I, 3·H] for GRU'),
    );
    expect(() => fromKeras(w, { kind: 'LSTM' })).toThrow('fromKeras: recurrentKernel has shape [4,12] but must be [3,12]');
    expect(() => fromKeras(w, { kind: 'GRU' })).toThrow('fromKeras: bias (GRU with reset_after) has shape [12] but must be [2,12]');
  });
});

describe('toKeras', () => {
  it.each([
    ['LSTM', 4, [4 * H], true],
    ['GRU', 3, [2, 3 * H], true],
    ['GRU', 3, [3 * H], false],
  ] as const)('inverts fromKeras exactly (%s, bias %j)', (kind, gates, bias, resetAfter) => {
    const w = kerasWeights(gates, [...bias], 11);
    const back = toKeras(fromKeras(w, { kind, resetAfter }), { kind, resetAfter });
    for (const key of ['kernel', 'recurrentKernel', 'bias'] as const) expect(back[key]!.data, key).toEqual(w[key]!.data);
  });

  it('folds both LSTM biases into the one Keras bias, keeping the function', () => {
    const cell = new LSTMCell(I, H, opts(12));
    const w = toKeras(cell.stateDict(), { kind: 'LSTM' });
    const keras = (x: Tensor, s: [Tensor, Tensor]) => {
      const next = kerasLSTM(w, x, s);
      return [next[0], next] as [Tensor, [Tensor, Tensor]];
    };
    expect(runBoth((x, s) => cell.step(x, s), keras, [rand([B, H], 13), rand([B, H], 14)])).toBeLessThan(1e-12);
  });

  it.each([true, false])('keeps a GRU cell function (reset_after=%s)', (resetAfter) => {
    const cell = new GRUCell(I, H, { ...opts(15), resetBefore: !resetAfter });
    const w = toKeras(cell.stateDict(), { kind: 'GRU', resetAfter });
    const keras = (x: Tensor, h: Tensor) => {
      const next = kerasGRU(w, x, h, resetAfter);
      return [next, next] as [Tensor, Tensor];
    };
    expect(runBoth((x, h) => cell.step(x, h), keras, rand([B, H], 16))).toBeLessThan(1e-12);
  });

  it('returns a null bias for a cell without biases and rejects a half-biased dict', () => {
    const { weightIh, weightHh } = new GRUCell(I, H, { ...f64, bias: false }).stateDict();
    expect(toKeras({ weightIh: weightIh!, weightHh: weightHh! }, { kind: 'GRU' }).bias).toBeNull();
    expect(() => toKeras({ weightIh: weightIh!, weightHh: weightHh!, biasIh: rand([12], 1) }, { kind: 'GRU' })).toThrow(
      'toKeras: the state dict has biasIh without biasHh',
    );
  });
});
