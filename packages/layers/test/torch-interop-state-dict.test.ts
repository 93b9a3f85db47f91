import { describe, expect, it } from 'vitest';
import { Generator, LoomError, Tensor, tensor, zeros } from '@loom/core';
import { GRU, LSTM, Linear, Module, RNN, SGD, StateDictError, type StateDict } from '@loom/layers';
import { f64 } from './_support.js';

const gen = (seed: number) => ({ generator: new Generator(seed) });

class TwoLayer extends Module {
  hidden = new Linear(3, 4, gen(1));
  out = new Linear(4, 2, gen(2));
}

/** The error `fn` throws, for inspecting its fields. */
function thrown(fn: () => unknown): StateDictError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StateDictError) return e;
    throw e;
  }
  throw new Error('expected a StateDictError');
}

describe('Module.stateDict', () => {
  it('names parameters by dotted path and copies their values', () => {
    const model = new TwoLayer();
    const dict = model.stateDict();
    expect(Object.keys(dict)).toEqual(['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']);
    expect(dict['hidden.weight']!.data).toEqual(model.hidden.weight.data);
    expect(dict['hidden.weight']).not.toBe(model.hidden.weight);
    expect(dict['hidden.weight']!.requiresGrad).toBe(false);
  });

  it('is a snapshot: an optimizer step afterwards does not change it', () => {
    const model = new TwoLayer();
    const before = model.stateDict();
    const saved = Array.from(before['out.bias']!.data);
    const bias = model.out.bias!;
    bias.grad = tensor([1, 1]);
    new SGD([bias], { lr: 0.5 }).step();
    expect(Array.from(bias.data)).not.toEqual(saved);
    expect(Array.from(before['out.bias']!.data)).toEqual(saved);
  });

  it('is keyed by the parameter names, which for the recurrent modules are PyTorch’s (rnn-modules.test.ts)', () => {
    for (const m of [new LSTM(2, 3, { projSize: 2, bidirectional: true }), new RNN(2, 3, { numLayers: 2, bias: false })]) {
      expect(Object.keys(m.stateDict())).toEqual(m.namedParameters().map(([name]) => name));
    }
  });
});

describe('Module.loadStateDict', () => {
  it('loads a dict into a fresh module with the same structure', () => {
    const [a, b] = [new GRU(2, 3, { numLayers: 2, ...gen(1) }), new GRU(2, 3, { numLayers: 2, ...gen(2) })];
    expect(b.loadStateDict(a.stateDict())).toEqual({ missing: [], unexpected: [] });
    for (const [name, t] of Object.entries(b.stateDict())) expect(t.data, name).toEqual(a.stateDict()[name]!.data);
  });

  it('casts values to each parameter dtype, as PyTorch copies them', () => {
    const wide = new RNN(2, 3, { ...f64, ...gen(3) });
    const narrow = new RNN(2, 3, gen(4));
    narrow.loadStateDict(wide.stateDict());
    expect(narrow.weight_ih_l0!.dtype).toBe('float32');
    expect(narrow.weight_ih_l0!.data).toEqual(Float32Array.from(wide.weight_ih_l0!.data));
  });

  it('in strict mode lists missing and unexpected keys and shape mismatches with both shapes, loading nothing', () => {
    const lstm = new LSTM(2, 3, gen(5));
    const before = lstm.stateDict();
    const { bias_hh_l0: _dropped, ...rest } = new LSTM(2, 3, gen(6)).stateDict();
    const dict: StateDict = { ...rest, weight_ih_l0: zeros([12, 5]), weight_hr_l0: zeros([2, 3]) };
    const e = thrown(() => lstm.loadStateDict(dict));
    expect(e).toBeInstanceOf(LoomError);
    expect(e.missing).toEqual(['bias_hh_l0']);
    expect(e.unexpected).toEqual(['weight_hr_l0']);
    expect(e.mismatched).toEqual([{ name: 'weight_ih_l0', expected: [12, 2], got: [12, 5] }]);
    expect(e.message).toBe(
      'LSTM.loadStateDict: the state dict does not fit the module; missing keys: bias_hh_l0; unexpected keys: ' +
        'weight_hr_l0; weight_ih_l0 has shape [12,5] in the dict but [12,2] in the module',
    );
    for (const [name, t] of Object.entries(lstm.stateDict())) expect(t.data, name).toEqual(before[name]!.data);
  });

  it('with strict false returns the unmatched names and loads the rest', () => {
    const rnn = new RNN(2, 3, gen(7));
    const source = new RNN(2, 3, gen(8)).stateDict();
    const result = rnn.loadStateDict({ weight_ih_l0: source.weight_ih_l0!, extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missing: ['weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'], unexpected: ['extra'] });
    expect(rnn.weight_ih_l0!.data).toEqual(source.weight_ih_l0!.data);
  });

  it('rejects shape mismatches and values that are not tensors even when not strict', () => {
    const rnn = new RNN(2, 3, gen(9));
    expect(() => rnn.loadStateDict({ weight_hh_l0: zeros([3]) }, { strict: false })).toThrow(
      'weight_hh_l0 has shape [3] in the dict but [3,3] in the module',
    );
    const notTensor = { weight_hh_l0: [1, 2, 3] } as unknown as StateDict;
    expect(thrown(() => rnn.loadStateDict(notTensor, { strict: false })).unexpected).toEqual(['weight_hh_l0 (not a Tensor)']);
  });

  it('accepts a plain tensor or a parameter of another module as a value', () => {
    const a = new Linear(2, 2, gen(10));
    const b = new Linear(2, 2, gen(11));
    b.loadStateDict({ weight: a.weight, bias: new Tensor(new Float32Array([7, 8]), [2]) });
    expect(b.weight.data).toEqual(a.weight.data);
    expect(b.weight).not.toBe(a.weight);
    expect(Array.from(b.bias!.data)).toEqual([7, 8]);
  });
});
