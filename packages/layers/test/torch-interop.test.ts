import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, add, mul, sum } from '@loom/core';
import { GRU, LSTM, RNN, readSafetensors, torchRNN, writeSafetensors } from '@loom/layers';
import { maxAbsDiff, runLike, torchCases } from './torch-interop-fixtures.js';

// Absolute tolerances against PyTorch, on values and gradients of size ≤ 10. Both sides round every op to the
// dtype and differ only in summation order inside matmuls, i.e. by a few ulps per op: measured worst differences
// are 1.8e-7 (outputs) and 7.2e-7 (gradients) in float32, 2.8e-16 and 1.6e-15 in float64, so these bounds
// leave more than 10× margin while still catching any transposed block or misplaced bias.
const TOLERANCE = { float32: 1e-5, float64: 1e-10 } as const;
const cases = torchCases();

describe('PyTorch fixtures (scripts/fixtures/torch_rnn.py)', () => {
  it('covers every module, option and dtype the script generates', () => {
    expect(cases.map((c) => c.name)).toEqual(
      ['gru', 'lstm', 'lstm_lengths', 'rnn_nobias', 'rnn_relu', 'rnn_tanh'].flatMap((n) => [`${n}.float32`, `${n}.float64`]),
    );
  });

  describe.each(cases)('$name', ({ dtype, config, params, data, order }) => {
    const tol = TOLERANCE[dtype as keyof typeof TOLERANCE];

    it("names and orders the parameters as PyTorch's state_dict, with the same shapes", () => {
      const dict = torchRNN(config, { dtype }).stateDict();
      expect(Object.keys(dict)).toEqual(order);
      for (const [name, t] of Object.entries(dict)) expect(t.shape).toEqual(params[name]!.shape);
    });

    it('loads the state dict strictly and reproduces the outputs and final states', () => {
      const module = torchRNN(config, { dtype });
      expect(module.loadStateDict(params)).toEqual({ missing: [], unexpected: [] });
      const got = runLike(module, config, data.input!, data.h0!, data.c0);
      for (const [name, t] of Object.entries(got)) {
        expect(t.dtype).toBe(dtype);
        expect(maxAbsDiff(t, data[name]!), name).toBeLessThanOrEqual(tol);
      }
    });

    it('reproduces the gradients of the loss with respect to the input, h0, c0 and every parameter', () => {
      const module = torchRNN(config, { dtype });
      module.loadStateDict(params);
      // Fresh leaves that want gradients, so the shared fixture tensors stay untouched.
      const leaves = Object.fromEntries(
        ['input', 'h0', 'c0'].filter((k) => data[k]).map((k) => [k, new Tensor(data[k]!.data.slice(), data[k]!.shape, null, true)]),
      );
      const outs = runLike(module, config, leaves.input!, leaves.h0!, leaves.c0);
      const loss = Object.entries(outs)
        .map(([name, t]) => sum(mul(t, data[`w_${name}`]!)))
        .reduce((a, b) => add(a, b));
      expect(Math.abs(loss.item() - data.loss!.item())).toBeLessThanOrEqual(tol);
      loss.backward();
      const grads: [string, Tensor | null][] = [
        ...Object.entries(leaves).map(([k, t]) => [k, t.grad] as [string, Tensor | null]),
        ...module.namedParameters().map(([k, p]) => [k, p.grad] as [string, Tensor | null]),
      ];
      expect(grads.map(([k]) => `grad.${k}`).sort()).toEqual(
        Object.keys(data)
          .filter((k) => k.startsWith('grad.'))
          .sort(),
      );
      for (const [name, g] of grads) expect(maxAbsDiff(g!, data[`grad.${name}`]!), name).toBeLessThanOrEqual(tol);
    });

    it('round-trips loom → stateDict → safetensors → a fresh module', () => {
      const trained = torchRNN(config, { dtype });
      trained.loadStateDict(params);
      const bytes = writeSafetensors(trained.stateDict(), { source: 'loom' });
      const fresh = torchRNN(config, { dtype });
      fresh.loadStateDict(readSafetensors(bytes).tensors);
      for (const [name, t] of Object.entries(fresh.stateDict())) expect(t.data, name).toEqual(params[name]!.data);
    });
  });
});

describe('torchRNN', () => {
  it("builds the loom module of PyTorch's constructor arguments", () => {
    const lstm = torchRNN({ module: 'LSTM', input_size: 5, hidden_size: 4, num_layers: 3, proj_size: 2, dropout: 0.25 });
    expect(lstm).toBeInstanceOf(LSTM);
    expect([lstm.inputSize, lstm.hiddenSize, lstm.numLayers, (lstm as LSTM).projSize, lstm.dropout]).toEqual([5, 4, 3, 2, 0.25]);
    const gru = torchRNN({ module: 'GRU', input_size: 2, hidden_size: 3, bidirectional: true, batch_first: true }, { dtype: 'float64' });
    expect(gru).toBeInstanceOf(GRU);
    expect([gru.bidirectional, gru.batchFirst, gru.weight_ih_l0_reverse!.dtype]).toEqual([true, true, 'float64']);
    const rnn = torchRNN({ module: 'RNN', input_size: 2, hidden_size: 3, bias: false, nonlinearity: 'relu' });
    expect(rnn).toBeInstanceOf(RNN);
    expect(Object.keys(rnn.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
  });

  it('rejects options of another class and unknown modules', () => {
    expect(() => torchRNN({ module: 'GRU', input_size: 2, hidden_size: 3, proj_size: 1 })).toThrow(
      new ValueError('torchRNN: proj_size is an option of LSTM only, not of GRU'),
    );
    expect(() => torchRNN({ module: 'LSTM', input_size: 2, hidden_size: 3, nonlinearity: 'relu' })).toThrow(
      new ValueError('torchRNN: nonlinearity is an option of RNN only, not of LSTM'),
    );
    const config = JSON.parse('{"module": "Transformer", "input_size": 2, "hidden_size": 3}') as Parameters<typeof torchRNN>[0];
    expect(() => torchRNN(config)).toThrow(`torchRNN: module must be 'RNN', 'LSTM' or 'GRU', got "Transformer"`);
  });
});
