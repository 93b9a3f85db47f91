import { describe, expect, it } from 'vitest';
import { Generator, ValueError, mul, randn, stopGradient, tensor, Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import {
  Cell,
  GRUCell,
  JordanCell,
  LSTMCell,
  LeakyCell,
  RNNCell,
  Recurrent,
  functionalCall,
  type SequenceMask,
  type State,
} from '@loom/layers';

// Every built-in cell, run through Recurrent over an unrolled sequence in float64: its gradients against finite
// differences (every parameter, the initial state and the inputs), and its values against an independent plain-JS
// re-implementation of the published equations. Gradcheck alone cannot catch a wrong-but-smooth formula (say, gates
// in the wrong order): the tape would differentiate the wrong formula correctly.

const f64 = { dtype: 'float64' } as const;
const [T, B, I, H] = [3, 2, 3, 4];

type Vec = number[];
/** One step of a reference implementation, on one sequence: input and state parts in, output and state parts out. */
type RefStep = (x: Vec, state: Vec[]) => [Vec, Vec[]];

interface Case {
  readonly name: string;
  /** Parameter names as Recurrent reports them: the gradcheck must cover each of them. */
  readonly params: readonly string[];
  readonly build: (generator: Generator) => { cell: Cell<State>; ref: RefStep };
}

// ---- plain-JS maths, no loom ops ----
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const relu = (v: number) => Math.max(v, 0);
const values = (t: Tensor | null, from = 0, n = t?.size ?? 0): Vec =>
  t ? Array.from(t.data.subarray(from, from + n)) : Array<number>(n).fill(0);
/** Rows [r0, r0 + n) of the row-major matrix `w` times `v`. */
function mv(w: Tensor, v: Vec, r0 = 0, n = w.shape[0]!): Vec {
  const cols = w.shape[1]!;
  return Array.from({ length: n }, (_, r) => v.reduce((s, vj, j) => s + w.data[(r0 + r) * cols + j]! * vj, 0));
}
const plus = (...vs: Vec[]): Vec => vs[0]!.map((_, k) => vs.reduce((s, v) => s + v[k]!, 0));
const times = (a: Vec, b: Vec): Vec => a.map((v, k) => v * b[k]!);
const map = (a: Vec, f: (v: number) => number): Vec => a.map(f);

const withGen = (generator: Generator) => ({ ...f64, generator });
const rnnNames = ['weightIh', 'weightHh', 'biasIh', 'biasHh'];
const lstmNames = ['weightIh', 'weightHh', 'biasIh', 'biasHh'];

function rnnCase(nonlinearity: 'tanh' | 'relu'): Case {
  return {
    name: `RNNCell ${nonlinearity}`,
    params: rnnNames,
    build: (g) => {
      const cell = new RNNCell(I, H, { ...withGen(g), nonlinearity });
      const act = nonlinearity === 'tanh' ? Math.tanh : relu;
      const ref: RefStep = (x, [h]) => {
        const next = map(plus(mv(cell.weightIh, x), values(cell.biasIh), mv(cell.weightHh, h!), values(cell.biasHh)), act);
        return [next, [next]];
      };
      return { cell, ref };
    },
  };
}

function jordanCase(name: string, options: { outputActivation?: 'sigmoid' | 'identity'; bias?: boolean }): Case {
  const O = 2;
  return {
    name,
    params: options.bias === false ? ['weightIh', 'weightYh', 'weightHy'] : ['weightIh', 'weightYh', 'bias', 'weightHy', 'biasY'],
    build: (g) => {
      const cell = new JordanCell(I, H, O, { ...withGen(g), ...options });
      const outAct = { sigmoid: sig, identity: (v: number) => v, tanh: Math.tanh }[options.outputActivation ?? 'tanh'];
      const ref: RefStep = (x, [y]) => {
        const h = map(plus(mv(cell.weightIh, x), mv(cell.weightYh, y!), values(cell.bias, 0, H)), Math.tanh);
        const next = map(plus(mv(cell.weightHy, h), values(cell.biasY, 0, O)), outAct);
        return [next, [next]];
      };
      return { cell, ref };
    },
  };
}

function lstmCase(name: string, options: { peepholes?: boolean; projSize?: number; bias?: boolean; forgetBias?: number }): Case {
  const params = [...(options.bias === false ? lstmNames.slice(0, 2) : lstmNames)];
  if (options.peepholes) params.push('weightCi', 'weightCf', 'weightCo');
  if (options.projSize) params.push('weightHr');
  return {
    name,
    params,
    build: (g) => {
      const cell = new LSTMCell(I, H, { ...withGen(g), ...options });
      // PyTorch's nn.LSTMCell, gate rows in the order i, f, g, o; peepholes as Gers & Schmidhuber (i, f see c, o sees c').
      const ref: RefStep = (x, [h, c]) => {
        const gate = (k: number) =>
          plus(
            mv(cell.weightIh, x, k * H, H),
            values(cell.biasIh, k * H, H),
            mv(cell.weightHh, h!, k * H, H),
            values(cell.biasHh, k * H, H),
          );
        const peep = (w: Tensor | null, s: Vec) => (w ? times(values(w), s) : Array<number>(H).fill(0));
        const i = map(plus(gate(0), peep(cell.weightCi, c!)), sig);
        const f = map(plus(gate(1), peep(cell.weightCf, c!)), sig);
        const gg = map(gate(2), Math.tanh);
        const cNext = plus(times(f, c!), times(i, gg));
        const o = map(plus(gate(3), peep(cell.weightCo, cNext)), sig);
        let hNext = times(o, map(cNext, Math.tanh));
        if (cell.weightHr) hNext = mv(cell.weightHr, hNext);
        return [hNext, [hNext, cNext]];
      };
      return { cell, ref };
    },
  };
}

function gruCase(name: string, options: { resetBefore?: boolean; bias?: boolean }): Case {
  return {
    name,
    params: options.bias === false ? rnnNames.slice(0, 2) : rnnNames,
    build: (g) => {
      const cell = new GRUCell(I, H, { ...withGen(g), ...options });
      // PyTorch's nn.GRUCell (rows r, z, n; reset after the product, b_hn inside), or Cho et al. 2014 with resetBefore.
      const ref: RefStep = (x, [h]) => {
        const xs = (k: number) => plus(mv(cell.weightIh, x, k * H, H), values(cell.biasIh, k * H, H));
        const hs = (k: number, v: Vec) => plus(mv(cell.weightHh, v, k * H, H), values(cell.biasHh, k * H, H));
        const r = map(plus(xs(0), hs(0, h!)), sig);
        const z = map(plus(xs(1), hs(1, h!)), sig);
        const n = map(plus(xs(2), options.resetBefore ? hs(2, times(r, h!)) : times(r, hs(2, h!))), Math.tanh);
        const next = n.map((nk, k) => (1 - z[k]!) * nk + z[k]! * h![k]!);
        return [next, [next]];
      };
      return { cell, ref };
    },
  };
}

function leakyCase(name: string, alpha: number | number[], learnAlpha: boolean): Case {
  return {
    name,
    params: learnAlpha ? [...rnnNames, 'alphaLogit'] : rnnNames,
    build: (g) => {
      const cell = new LeakyCell(I, H, { ...withGen(g), alpha, learnAlpha });
      const ref: RefStep = (x, [h]) => {
        const a = cell.alphaLogit ? map(values(cell.alphaLogit), sig) : typeof alpha === 'number' ? Array<number>(H).fill(alpha) : alpha;
        const f = map(plus(mv(cell.weightIh, x), values(cell.biasIh), mv(cell.weightHh, h!), values(cell.biasHh)), Math.tanh);
        const next = f.map((fk, k) => a[k]! * h![k]! + (1 - a[k]!) * fk);
        return [next, [next]];
      };
      return { cell, ref };
    },
  };
}

const cases: Case[] = [
  rnnCase('tanh'),
  rnnCase('relu'),
  jordanCase('JordanCell', {}),
  jordanCase('JordanCell sigmoid output, no bias', { outputActivation: 'sigmoid', bias: false }),
  lstmCase('LSTMCell', {}),
  lstmCase('LSTMCell peepholes', { peepholes: true }),
  lstmCase('LSTMCell projection', { projSize: 2 }),
  lstmCase('LSTMCell no bias', { bias: false }),
  lstmCase('LSTMCell forgetBias', { forgetBias: 1 }),
  gruCase('GRUCell', {}),
  gruCase('GRUCell resetBefore', { resetBefore: true }),
  gruCase('GRUCell resetBefore, no bias', { resetBefore: true, bias: false }),
  leakyCase('LeakyCell fixed α', 0.3, false),
  leakyCase('LeakyCell fixed per-unit α', [0, 0.25, 0.6, 1], false),
  leakyCase('LeakyCell learned α', [0.2, 0.4, 0.6, 0.8], true),
];

// ---- helpers ----
const parts = (s: State): Tensor[] => (s instanceof Tensor ? [s] : [...s]);
const rebuild = (like: State, ts: readonly Tensor[]): State => (like instanceof Tensor ? ts[0]! : [...ts]);

/** Inputs, a random (nonzero) initial state and parameter copies for one case. */
function setup(c: Case, seed: number) {
  const g = new Generator(seed);
  const { cell, ref } = c.build(g);
  const rnn = new Recurrent(cell);
  const x = randn([T, B, I], { ...f64, generator: g });
  const like = cell.initialState(B);
  const s0 = parts(like).map((p) => randn([...p.shape], { ...f64, generator: g }));
  return { cell, ref, rnn, x, like, s0, params: rnn.parameters().map((p) => stopGradient(p)) };
}

/** (x, initial state parts, parameters) ↦ [outputs, final state parts]: the whole map gradcheck differentiates. */
function unrolled(rnn: Recurrent<State>, like: State, sequence: SequenceMask) {
  const k = parts(like).length;
  return (x: Tensor, ...rest: Tensor[]): Tensor[] =>
    functionalCall(rnn, rest.slice(k), () => {
      const { outputs, state } = rnn.forward(x, rebuild(like, rest.slice(0, k)), sequence);
      return [outputs, ...parts(state)];
    });
}

const sequences: [string, SequenceMask][] = [
  ['full', {}],
  ['lengths [3, 1]', { lengths: [3, 1] }],
  // A gap: sequence 1 skips step 1 and resumes, so the carried state must route gradients across it.
  [
    'mask with a gap',
    {
      mask: tensor(
        [
          [1, 1],
          [1, 0],
          [0, 1],
        ],
        f64,
      ),
    },
  ],
];

const basic = new Set(['RNNCell tanh', 'JordanCell', 'LSTMCell', 'GRUCell', 'LeakyCell learned α']);

describe('every cell through Recurrent (float64, T = 3, B = 2)', () => {
  describe.each(cases)('$name', (c) => {
    it('has exactly the expected parameters', () => {
      const { rnn } = setup(c, 1);
      expect(rnn.namedParameters().map(([n]) => n)).toEqual(c.params.map((n) => `cell.${n}`));
    });

    // Every case runs the padded path; the unmasked path and a gapped mask run once per cell class (time budget).
    const which = basic.has(c.name) ? sequences : sequences.filter(([name]) => name.startsWith('lengths'));
    it.each(which)('gradchecks against the inputs, the initial state and every parameter (%s)', (_, sequence) => {
      const { rnn, x, like, s0, params } = setup(c, 2);
      expect(gradcheck(unrolled(rnn, like, sequence), [x, ...s0, ...params])).toBe(true);
    });

    it('matches a plain-JS implementation of its equations, step by step', () => {
      const { cell, ref, rnn, x, like, s0 } = setup(c, 3);
      const { outputs, state } = rnn.forward(x, rebuild(like, s0));
      for (let b = 0; b < B; b++) {
        let s = s0.map((p) => values(p, b * p.shape[1]!, p.shape[1]!));
        for (let t = 0; t < T; t++) {
          const [out, next] = ref(values(x, (t * B + b) * I, I), s);
          s = next;
          expectClose(values(outputs, (t * B + b) * out.length, out.length), out);
        }
        parts(state).forEach((p, k) => expectClose(values(p, b * p.shape[1]!, p.shape[1]!), s[k]!));
      }
      // One bare step too, outside Recurrent.
      const [out] = cell.step(xAt(x, 0), rebuild(like, s0));
      expectClose(
        values(out, 0, out.shape[1]!),
        ref(
          values(x, 0, I),
          s0.map((p) => values(p, 0, p.shape[1]!)),
        )[0],
      );
    });
  });
});

describe('second order', () => {
  const second = cases.filter((c) => /^(LSTMCell|GRUCell|LeakyCell learned|JordanCell$)/.test(c.name));
  it.each(second.map((c) => [c.name, c] as const))('%s: gradgradcheck through a masked Recurrent', (_, c) => {
    const { rnn, x, like, s0, params } = setup(c, 4);
    const f = unrolled(rnn, like, { lengths: [3, 2] });
    expect(gradgradcheck(f, [x, ...s0, ...params], { fastMode: true })).toBe(true);
  });

  it('covers LSTM and GRU', () => {
    expect(second.filter((c) => /^(LSTM|GRU)Cell/.test(c.name)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('cell options', () => {
  it('LSTMCell forgetBias puts the whole value in b_if and zeroes b_hf', () => {
    const cell = new LSTMCell(I, H, { ...f64, forgetBias: 1 });
    expect(values(cell.biasIh, H, H)).toEqual([1, 1, 1, 1]);
    expect(values(cell.biasHh, H, H)).toEqual([0, 0, 0, 0]);
  });

  it('LeakyCell with α = 0 is the RNNCell with the same parameters', () => {
    const leaky = new LeakyCell(I, H, { ...withGen(new Generator(5)), alpha: 0 });
    const rnn = new RNNCell(I, H, { ...withGen(new Generator(5)) });
    const x = randn([T, B, I], { ...f64, generator: new Generator(6) });
    expect(new Recurrent(leaky).forward(x).outputs.toArray()).toEqual(new Recurrent(rnn).forward(x).outputs.toArray());
  });

  it('LeakyCell with α = 1 never changes its state', () => {
    const cell = new LeakyCell(I, H, { ...f64, alpha: 1 });
    const h0 = randn([B, H], f64);
    const { state } = new Recurrent(cell).forward(randn([T, B, I], f64), h0);
    expect(state.toArray()).toEqual(h0.toArray());
  });

  it('LeakyCell learned α starts at the given value and stays in (0, 1)', () => {
    const cell = new LeakyCell(I, H, { ...f64, alpha: [0.1, 0.5, 0.9, 0.99], learnAlpha: true });
    expectClose(values(cell.alpha), [0.1, 0.5, 0.9, 0.99]);
    cell.alphaLogit!.assign(tensor([-1e3, -5, 5, 1e3], f64));
    expect(Array.from(cell.alpha.data).every((a) => a >= 0 && a <= 1)).toBe(true);
  });

  it('LeakyCell rejects α out of range or of the wrong length, naming the value', () => {
    expect(() => new LeakyCell(I, H, { alpha: 1.5 })).toThrow(ValueError);
    expect(() => new LeakyCell(I, H, { alpha: [0.5, 0.5] })).toThrow(/alpha has 2 values but the cell has 4 units/);
    expect(() => new LeakyCell(I, H, { alpha: 1, learnAlpha: true })).toThrow(/alpha\[0\] is 1, but it must be in \(0, 1\)/);
    expect(() => new LeakyCell(I, H, { alpha: [0.5, Number.NaN, 0.5, 0.5] })).toThrow(/alpha\[1\] is NaN/);
  });

  it('JordanCell feeds back its output: the state is the last output, of the output size', () => {
    const cell = new JordanCell(I, H, 2, f64);
    const { outputs, state } = new Recurrent(cell).forward(randn([T, B, I], f64));
    expect(outputs.shape).toEqual([T, B, 2]);
    expect(state.toArray()).toEqual((outputs.toArray() as number[][][])[T - 1]);
  });

  it('JordanCell takes any activation function', () => {
    // A hidden activation that zeroes h leaves y = b_y, whatever the input.
    const cell = new JordanCell(I, H, 2, { ...f64, activation: (v) => mul(v, 0), outputActivation: 'identity' });
    const [y] = cell.step(randn([B, I], f64), randn([B, 2], f64));
    expect(y.toArray()).toEqual([values(cell.biasY), values(cell.biasY)]);
  });
});

function xAt(x: Tensor, t: number): Tensor {
  return tensor(values(x, t * B * I, B * I), { shape: [B, I], ...f64 });
}

function expectClose(actual: Vec, expected: Vec): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => expect(Math.abs(a - expected[k]!)).toBeLessThan(1e-12));
}
