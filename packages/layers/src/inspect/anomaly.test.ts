import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnomalyError, add, detectAnomaly, eye, mul, ones, sqrt, sum, tensor, zeros, type Tensor } from '@loom/core';
import { Cell } from '../cell.js';
import { RNNCell } from '../cells/rnn-cell.js';
import { Recurrent } from '../recurrent.js';

const f64 = { dtype: 'float64' } as const;

function caught(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
  throw new Error('expected an AnomalyError');
}

/** h' = h + √x: the forward is finite for x ≥ 0, but d√x/dx is infinite where x = 0. */
class SqrtCell extends Cell<Tensor> {
  initialState(batch: number) {
    return zeros([batch, 1], f64);
  }
  step(x: Tensor, h: Tensor): [Tensor, Tensor] {
    const next = add(h, sqrt(x));
    return [next, next];
  }
}

describe('detectAnomaly inside Recurrent', () => {
  it('names the op, the layer and the time step where the forward pass first overflows', () => {
    // relu RNN with W_hh = 1e150·I: h grows 1e150-fold per step and overflows float64 at step 3.
    const cell = new RNNCell(1, 2, { ...f64, nonlinearity: 'relu' });
    cell.weightHh.assign(mul(eye(2, 2, f64), 1e150));
    cell.weightIh.assign(ones([2, 1], f64));
    for (const b of [cell.biasIh!, cell.biasHh!]) b.assign(zeros([2], f64));
    const rnn = new Recurrent(cell);
    const e = caught(() => detectAnomaly(() => rnn.forward(ones([5, 1, 1], f64))));
    expect(e.details).toMatchObject({ phase: 'forward', op: 'linear', value: Infinity });
    expect(e.details!.step).toMatchObject({ owner: rnn, layer: 'Recurrent(RNNCell)', t: 3 });
    expect(e.message).toMatch(
      /^detectAnomaly: forward op 'linear' produced Infinity at element 0 of \[1,2\]; the op was called at .*anomaly\.test\.ts:\d+:\d+ \(in Recurrent\(RNNCell\) at time step 3\)$/,
    );
    expect(() => rnn.forward(ones([5, 1, 1], f64))).not.toThrow(); // off: Infs pass silently
  });

  it("names the cell's op whose backward rule made an infinite gradient, the line in the cell, and its step", () => {
    const rnn = new Recurrent(new SqrtCell());
    const x = tensor([[[1]], [[4]], [[0]], [[9]]], f64); // x = 0 at step 2
    x.requiresGrad = true;
    const e = caught(() => detectAnomaly(() => sum(rnn.forward(x).outputs).backward()));
    expect(e.details).toMatchObject({ phase: 'backward', op: 'sqrt', value: Infinity });
    expect(e.details!.step?.t).toBe(2);
    const line =
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('add(h, sqrt(x))')) + 1;
    expect(e.details!.site).toMatch(new RegExp(`anomaly\\.test\\.ts:${line}:`)); // the sqrt line of SqrtCell.step
    expect(e.message).toContain("the backward rule of 'sqrt' produced Infinity in the gradient of input 0");
    expect(e.message).toMatch(/\(in Recurrent\(SqrtCell\) at time step 2\)$/);
  });
});
