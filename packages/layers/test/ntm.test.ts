import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, full, mul, slice, sum, tensor, zeros } from '@loom/core';
import { NTMCell, Recurrent, type NTMCellOptions, type NTMState } from '@loom/layers';
import { address, circularShift } from '../src/ntm/addressing.js';
import { checkModule, f64, rand } from './_support.js';

const [T, B, I, O] = [3, 2, 3, 2];
const small = (generator: Generator, options: NTMCellOptions = {}) =>
  new NTMCell(I, O, { memorySlots: 4, memoryWidth: 3, controllerSize: 4, ...f64, generator, ...options });

describe('NTMCell gradients (float64, every parameter and the input)', () => {
  it('LSTM controller, two read heads, constant memory', () => {
    const cell = small(new Generator(1), { readHeads: 2, memoryWidth: 2, controllerSize: 3 });
    const rnn = new Recurrent(cell);
    expect(checkModule(rnn, [rand([T, B, I], 2)], (x) => rnn.forward(x).outputs)).toBe(true);
  });

  it('feed-forward controller, learned memory, five shifts, through the final memory too', () => {
    const cell = small(new Generator(3), { controller: 'feedforward', memoryInit: 'learned', shifts: 5 });
    expect(cell.namedParameters().map(([n]) => n)).toContain('memoryBias');
    const rnn = new Recurrent(cell);
    expect(
      checkModule(rnn, [rand([T, B, I], 4)], (x) => {
        const { outputs, state } = rnn.forward(x);
        return [outputs, state[0]];
      }),
    ).toBe(true);
  });
});

describe('NTMCell shapes and errors', () => {
  it('has the documented state layout', () => {
    const cell = small(new Generator(1), { readHeads: 2 });
    const state = cell.initialState(B);
    expect(state.map((t) => t.shape)).toEqual([
      [B, 4, 3],
      [B, 2, 4],
      [B, 1, 4],
      [B, 6],
      [B, 4],
      [B, 4],
    ]);
    const [y, next] = cell.step(rand([B, I], 1), state);
    expect(y.shape).toEqual([B, O]);
    expect(next.map((t) => t.shape)).toEqual(state.map((t) => t.shape));
    expect(small(new Generator(1), { controller: 'feedforward' }).initialState(B)).toHaveLength(4); // no controller state
    // Every weighting is a distribution over the slots.
    for (const w of [next[1], next[2]]) sum(w, -1).data.forEach((s) => expect(s).toBeCloseTo(1, 12));
  });

  it('rejects a memory of the wrong size, naming the argument and both shapes (and the step inside Recurrent)', () => {
    const cell = small(new Generator(1));
    const [, ...rest] = cell.initialState(B);
    const bad = [zeros([B, 5, 3], f64), ...rest] as unknown as NTMState;
    expect(() => cell.step(rand([B, I], 1), bad)).toThrow(ShapeError);
    expect(() => cell.step(rand([B, I], 1), bad)).toThrow('NTMCell.step: state memory has shape [2,5,3] but needs [B, N, M] = [2,4,3]');
    const rnn = new Recurrent(cell);
    expect(() => rnn.forward(rand([T, 3, I], 1), cell.initialState(B))).toThrow(ShapeError);
  });

  it('rejects bad options with a ValueError', () => {
    const g = new Generator(1);
    expect(() => small(g, { memorySlots: 0 })).toThrow(/memorySlots must be a whole number ≥ 1, got 0/);
    expect(() => small(g, { shifts: 2 })).toThrow(ValueError);
    expect(() => small(g, { shifts: 2 })).toThrow(/shifts must be an odd whole number/);
    expect(() => small(g, { readHeads: 1.5 })).toThrow(ValueError);
    expect(() => new NTMCell(0, 2)).toThrow(/inputSize must be/);
    expect(() => small(g, { memoryInit: 'zeros' as 'learned' })).toThrow(ValueError);
  });
});

describe('NTM addressing (Graves et al. 2014, §3.3)', () => {
  const memory = tensor(
    [
      [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ],
    ],
    f64,
  ); // [1, N=4, M=2]
  const one = (v: number) => full([1, 1, 1], v, f64);
  const previous = tensor([[[0.7, 0.2, 0.1, 0]]], f64);

  it('shifting by +1 rotates the weighting one slot forward, wrapping around', () => {
    const out = circularShift(tensor([[0.5, 0.3, 0.2, 0]], f64), tensor([[0, 0, 1]], f64));
    expect(Array.from(out.data)).toEqual([0, 0.5, 0.3, 0.2]);
    const back = circularShift(tensor([[0.5, 0.3, 0.2, 0]], f64), tensor([[1, 0, 0]], f64));
    expect(Array.from(back.data)).toEqual([0.3, 0.2, 0, 0.5]);
  });

  it('with g = 0 and no shift or sharpening, returns the previous weighting', () => {
    const w = address(memory, previous, {
      key: tensor([[[1, 0]]], f64),
      beta: one(1),
      gate: one(0),
      shift: tensor([[[0, 1, 0]]], f64),
      gamma: one(1),
    });
    Array.from(w.data).forEach((v, i) => expect(v).toBeCloseTo(previous.data[i]!, 9));
  });

  it('with g = 1 and a strong key, focuses on the most similar row whatever its norm', () => {
    const scaled = mul(memory, tensor([[[5], [1], [1], [1]]], f64));
    const key = tensor([[[0, 0.3]]], f64); // same direction as row 1, which is 5× shorter than row 0
    const w = address(scaled, previous, { key, beta: one(50), gate: one(1), shift: tensor([[[0, 1, 0]]], f64), gamma: one(1) });
    expect(w.data[1]).toBeGreaterThan(0.999);
  });

  it('sharpening with γ > 1 concentrates a weighting and keeps it normalized', () => {
    const args = { key: tensor([[[0, 0]]], f64), beta: one(0), gate: one(0), shift: tensor([[[0, 1, 0]]], f64) };
    const w = address(memory, previous, { ...args, gamma: one(2) });
    const expected = [0.49, 0.04, 0.01, 0].map((v) => v / 0.54);
    Array.from(w.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
  });
});

describe('NTMCell in a padded batch', () => {
  it('padding keeps every state tensor, the [B, N, M] memory included, at its last real step', () => {
    const rnn = new Recurrent(small(new Generator(5)));
    const x = rand([T, B, I], 6);
    const { state } = rnn.forward(x, undefined, { lengths: [T, 1] });
    // Sequence 1 alone, for its one real step: its state must equal row 1 of the padded run.
    const alone = rnn.forward(slice(x, [0, 1], [1, 2])).state;
    state.forEach((s, k) => {
      const padded = slice(s, [1], [2]).toTypedArray();
      const want = alone[k]!.toTypedArray();
      expect(padded.length).toBe(want.length);
      padded.forEach((v, e) => expect(v).toBeCloseTo(want[e]!, 12));
    });
  });
});
