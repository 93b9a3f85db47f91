import { describe, expect, it } from 'vitest';
import { randn, sum, square, stopGradient, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { LSTMCell, Recurrent, functionalCall } from '@loom/layers';

describe('smoke', () => {
  it('LSTM (peepholes, projection) through a masked Recurrent gradchecks against every parameter and h0/c0', () => {
    const f64 = { dtype: 'float64' } as const;
    const rnn = new Recurrent(new LSTMCell(3, 4, { ...f64, peepholes: true, projSize: 2 }));
    const x = randn([3, 2, 3], f64);
    const h0 = randn([2, 2], f64);
    const c0 = randn([2, 4], f64);
    const params = rnn.parameters().map((p) => stopGradient(p));
    const loss = (h: Tensor, c: Tensor, ...ps: Tensor[]) =>
      functionalCall(rnn, ps, () => sum(square(rnn.forward(x, [h, c], { lengths: [3, 2] }).outputs)));
    expect(params.length).toBe(8);
    expect(gradcheck(loss, [h0, c0, ...params])).toBe(true);
    expect(gradgradcheck(loss, [h0, c0, ...params], { fastMode: true })).toBe(true);
  });
});
