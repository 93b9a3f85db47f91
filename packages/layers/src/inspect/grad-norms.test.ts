import { describe, expect, it } from 'vitest';
import { Generator, add, eye, randn, mul, reshape, slice, stack, sum, square, tensor, type Tensor } from '@loom/core';
import { LSTMCell } from '../cells/lstm-cell.js';
import { RNNCell } from '../cells/rnn-cell.js';
import { Recurrent } from '../recurrent.js';
import { gradNormsOverTime } from './grad-norms.js';

const f64 = { dtype: 'float64' } as const;
const rand = (shape: number[], seed: number) => randn(shape, { ...f64, generator: new Generator(seed) });

/** An Elman RNN on 1 input with recurrent weights w·I and small input weights, in float64. */
function elman(hidden: number, w: number, seed: number): Recurrent<Tensor> {
  const cell = new RNNCell(1, hidden, f64);
  cell.weightHh.assign(mul(eye(hidden, hidden, f64), w));
  cell.weightIh.assign(mul(rand([hidden, 1], seed), 0.1));
  cell.biasIh!.assign(mul(rand([hidden], seed + 1), 0));
  cell.biasHh!.assign(mul(rand([hidden], seed + 2), 0));
  return new Recurrent(cell);
}

/** L = Σ (last output)², a loss that only the last step touches directly. */
const lastSquared = ({ outputs }: { outputs: Tensor }) => sum(square(slice(outputs, [outputs.shape[0]! - 1])));

describe('gradNormsOverTime', () => {
  it('equals ∂L/∂h_t from central differences on a hand-unrolled loop (float64, every step and unit)', () => {
    const rnn = new Recurrent(new LSTMCell(2, 3, f64));
    const x = rand([4, 2, 2], 7);
    const loss = ({ outputs }: { outputs: Tensor }) => sum(mul(outputs, rand([4, 2, 3], 8)));
    const { grads, perSequence, mean, loss: value } = gradNormsOverTime(rnn, x, loss);
    const cell = rnn.cell;
    // An independent route: run the steps by hand, adding a perturbation e to h at step s, and difference L.
    const lossWith = (s: number, e: Tensor): number => {
      let state = cell.initialState(2);
      const outs: Tensor[] = [];
      for (let t = 0; t < 4; t++) {
        const [, [h, c]] = cell.step(reshape(slice(x, [t], [t + 1]), [2, 2]), state);
        const probed = t === s ? add(h, e) : h;
        outs.push(probed);
        state = [probed, c];
      }
      return loss({ outputs: stack(outs, 0) }).item();
    };
    expect(lossWith(-1, tensor(0, f64))).toBeCloseTo(value, 12);
    const eps = 1e-6;
    for (let s = 0; s < 4; s++) {
      const fd = Array.from({ length: 6 }, (_, i) => {
        const e = tensor(
          Array.from({ length: 6 }, (_, j) => (i === j ? eps : 0)),
          { ...f64, shape: [2, 3] },
        );
        return (lossWith(s, e) - lossWith(s, mul(e, -1))) / (2 * eps);
      });
      const got = Array.from(grads[s]!.toTypedArray());
      got.forEach((g, i) => expect(g).toBeCloseTo(fd[i]!, 7));
      const rows = [Math.hypot(...fd.slice(0, 3)), Math.hypot(...fd.slice(3))];
      perSequence[s]!.forEach((n, b) => expect(n).toBeCloseTo(rows[b]!, 7));
      expect(mean[s]).toBeCloseTo((rows[0]! + rows[1]!) / 2, 7);
    }
  });

  it('decays geometrically back in time for a contracting Elman RNN, and stays flat for an identity one', () => {
    const x = mul(rand([12, 3, 1], 3), 0.1);
    const contracting = gradNormsOverTime(elman(4, 0.5, 1), x, lastSquared).mean;
    const identity = gradNormsOverTime(elman(4, 1, 1), x, lastSquared).mean;
    // ∂h_T/∂h_t ≈ (0.5·tanh′)^(T−t): 0.5^11 ≈ 5e-4 over 11 steps back.
    expect(contracting[0]! / contracting[11]!).toBeLessThan(1e-3);
    for (let t = 1; t < 12; t++) expect(contracting[t - 1]!).toBeLessThan(contracting[t]!);
    // With W_hh = I and small inputs, tanh′ ≈ 1: the gradient is carried back almost unchanged.
    expect(identity[0]! / identity[11]!).toBeGreaterThan(0.8);
  });

  it('reports steps in input order for a reversed layer, probes an LSTM cell state, and zero on padding', () => {
    const x = mul(rand([6, 2, 1], 4), 0.1);
    const cell = elman(3, 0.5, 2).cell;
    const reversed = new Recurrent(cell, { reverse: true });
    const first = ({ outputs }: { outputs: Tensor }) => sum(square(slice(outputs, [0], [1])));
    const back = gradNormsOverTime(reversed, x, first).mean; // reversed, step 0 is processed last
    expect(back[5]! / back[0]!).toBeLessThan(0.1);
    const finalState = ({ state }: { state: Tensor }) => sum(square(state));
    const padded = gradNormsOverTime(new Recurrent(cell), x, finalState, { sequence: { lengths: [4, 6] } });
    expect(padded.perSequence.map(([short]) => short! > 0)).toEqual([true, true, true, true, false, false]);
    expect(padded.perSequence.every(([, full]) => full! > 0)).toBe(true);
    const lstm = new Recurrent(new LSTMCell(1, 3, f64));
    const c = gradNormsOverTime(lstm, x, lastSquared, { component: 1 });
    expect(c.grads[0]!.shape).toEqual([2, 3]);
    // c reaches the loss only through later steps (h_t is made from c_t inside the step, before the probe)
    expect(c.mean.map((n) => n > 0)).toEqual([true, true, true, true, true, false]);
    expect(() => gradNormsOverTime(lstm, x, lastSquared, { component: 2 })).toThrow(/component 2 must be a whole number in 0…1/);
  });
});
