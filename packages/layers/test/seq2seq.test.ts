import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, grad, mul, randn, sum, type Tensor } from '@loom/core';
import {
  Attention,
  Embedding,
  GRUCell,
  JordanCell,
  LSTMCell,
  Linear,
  RNNCell,
  Seq2Seq,
  crossEntropy,
  type AttentionKind,
  type Cell,
  type ContextMode,
  type State,
} from '@loom/layers';
import { checkModule, opts, rand } from './_support.js';

// Seq2Seq and Attention: gradients against every parameter (float64, each attention kind, both context modes),
// padding that gets exactly zero attention and zero gradient, and errors that name the part and the shapes.

const [V, E, H] = [5, 3, 3];
const source = [
  [3, 4],
  [1, 2],
  [4, 0],
]; // [S = 3][B = 2]; the second sequence has 2 real steps
const sourceLengths = [3, 2];
const targets = [
  [2, 3],
  [4, 4],
  [1, 0],
]; // [T = 3][B = 2]

/** A tiny float64 model: GRU encoder, LSTM decoder (bridged), or an Elman decoder reading c each step. */
function tiny(kind: AttentionKind | null, context: ContextMode, seed = 1): Seq2Seq {
  const g = opts(seed);
  const decoderInput = context === 'input' ? E + H : E;
  const decoder: Cell<State> = context === 'input' ? new RNNCell(decoderInput, H, g) : new LSTMCell(decoderInput, H, g);
  return new Seq2Seq({
    sourceEmbedding: new Embedding(V, E, g),
    targetEmbedding: new Embedding(V, E, g),
    encoder: new GRUCell(E, H, g),
    decoder,
    attention: kind ? new Attention(H, H, { ...g, kind, attentionSize: 2 }) : undefined,
    output: new Linear(H, V, g),
    context,
    bridge: context === 'state' ? 'linear' : undefined,
    bos: 1,
    eos: 0,
    ...g,
  });
}

describe('Seq2Seq: gradients (float64, all parameters)', () => {
  for (const kind of ['additive', 'dot', 'general', null] as const) {
    for (const context of ['state', 'input'] as const) {
      it(`attention ${kind ?? 'none'}, context '${context}': logits and attention weights`, () => {
        const model = tiny(kind, context);
        expect(
          checkModule(model, [], () => {
            const { logits, attention } = model.forward(source, targets, { sourceLengths });
            return attention ? [logits, attention] : [logits];
          }),
        ).toBe(true);
      });
    }
  }

  it('copy bridge between two LSTMs, through the cross-entropy loss', () => {
    const g = opts(4);
    const model = new Seq2Seq({
      sourceEmbedding: new Embedding(V, E, g),
      encoder: new LSTMCell(E, H, g),
      decoder: new LSTMCell(E, H, g),
      attention: new Attention(H, H, { ...g, kind: 'general' }),
      output: new Linear(H, V, g),
      bos: 1,
      eos: 0,
    });
    expect(model.bridges).toHaveLength(0);
    expect(
      checkModule(model, [], () => crossEntropy(model.forward(source, targets, { sourceLengths }).logits, targets, { ignoreIndex: 0 })),
    ).toBe(true);
  });

  it('a Jordan encoder and a GRU decoder joined by a linear bridge', () => {
    const g = opts(5);
    const model = new Seq2Seq({
      sourceEmbedding: new Embedding(V, E, g),
      encoder: new JordanCell(E, 4, 2, g),
      decoder: new GRUCell(E, H, g),
      attention: new Attention(H, 2, { ...g, kind: 'additive' }),
      output: new Linear(H, V, g),
      bridge: 'linear',
      bos: 1,
      eos: 0,
    });
    expect(checkModule(model, [], () => model.forward(source, targets, { sourceLengths }).logits)).toBe(true);
  });
});

describe('Seq2Seq: padding', () => {
  it('padded source tokens change nothing, and padded positions get exactly zero attention', () => {
    const model = tiny('additive', 'state');
    const a = model.forward(source, targets, { sourceLengths });
    const changed = source.map((row, t) => row.map((id, b) => (t >= sourceLengths[b]! ? (id + 1) % V : id)));
    const b = model.forward(changed, targets, { sourceLengths });
    expect(b.logits.toArray()).toEqual(a.logits.toArray());
    const weights = a.attention!.toArray() as number[][][];
    for (const step of weights) {
      expect(Object.is(step[1]![2], 0)).toBe(true);
      expect(step[0]![2]).toBeGreaterThan(0);
      step.forEach((row) => expect(row.reduce((x, y) => x + y)).toBeCloseTo(1, 12));
    }
  });

  for (const kind of ['additive', 'dot', 'general'] as const) {
    it(`${kind} attention: masked keys get zero weight and exactly zero gradient`, () => {
      const attention = new Attention(3, 3, { ...opts(2), kind });
      const [keys, query, probe] = [rand([2, 4, 3], 3), rand([2, 3], 4), rand([2, 3], 5)];
      const mask = { lengths: [4, 2] };
      const f = (k: Tensor) => sum(mul(attention.forward(query, attention.memory(k, mask)).context, probe));
      const gk = grad(f)(keys).toArray() as number[][][];
      const { weights } = attention.forward(query, attention.memory(keys, mask));
      const w = weights.toArray() as number[][];
      for (const s of [2, 3]) {
        expect(w[1]![s]).toBe(0);
        expect(gk[1]![s]).toEqual([0, 0, 0]);
      }
      expect(gk[1]![0]!.some((v) => v !== 0)).toBe(true);
      expect(gk[0]![3]!.some((v) => v !== 0)).toBe(true);
      expect(checkModule(attention, [keys, query], (k, q) => attention.forward(q!, attention.memory(k!, mask)).context)).toBe(true);
    });
  }
});

describe('Seq2Seq and Attention: errors', () => {
  const keys = randn([2, 3, 4], { dtype: 'float64', generator: new Generator(1) });

  it('names the mask, the lengths and the shapes', () => {
    const attention = new Attention(4, 4, { ...opts(1), kind: 'dot' });
    expect(() => attention.memory(keys, { mask: randn([2, 4], opts(2)) })).toThrow(ShapeError);
    expect(() => attention.memory(keys, { mask: randn([2, 4], opts(2)) })).toThrow(
      /mask has shape \[2,4\] but keys \[2,3,4\] need \[2, 3\]/,
    );
    expect(() => attention.memory(keys, { lengths: [3, 4] })).toThrow(/source lengths \[3,4\] must be 2 whole numbers in 1…3/);
    expect(() => attention.memory(keys, { lengths: [3, 0] })).toThrow(ValueError);
    expect(() => attention.forward(randn([2, 5], opts(3)), attention.memory(keys))).toThrow(/query has shape \[2,5\]/);
    expect(() => new Attention(3, 4, { kind: 'dot' })).toThrow(ShapeError);
  });

  it('rejects parts that do not fit, and bad token ids with their time step', () => {
    const g = opts(1);
    const parts = { sourceEmbedding: new Embedding(V, E, g), output: new Linear(H, V, g), bos: 1, eos: 0 };
    expect(() => new Seq2Seq({ ...parts, encoder: new GRUCell(E, H, g), decoder: new LSTMCell(E, H, g) })).toThrow(
      /bridge 'copy' needs the encoder's state \[1,3\] to match the decoder's \(\[1,3\], \[1,3\]\)/,
    );
    expect(() => new Seq2Seq({ ...parts, encoder: new GRUCell(E, 4, g), decoder: new GRUCell(E, H, g), context: 'input' })).toThrow(
      /the decoder cell cannot take 7 input features/,
    );
    expect(() => new Seq2Seq({ ...parts, eos: V, encoder: new GRUCell(E, H, g), decoder: new GRUCell(E, H, g) })).toThrow(
      /eos token 5 is not in the target vocabulary 0…4/,
    );
    expect(
      () => new Seq2Seq({ ...parts, encoder: new GRUCell(E, H, g), decoder: new GRUCell(E + H, H, g), context: 'input', bridge: 'linear' }),
    ).toThrow(/bridge 'linear' applies only with context 'state'/);
    const model = tiny('general', 'state');
    expect(() =>
      model.forward(source, [
        [1, 2],
        [9, 1],
      ]),
    ).toThrow(/targets\[1\]\[0\] = 9 is not a token id in 0…4 \(at time step 1\)/);
    expect(() => model.forward(source, targets, { sourceLengths: [4, 2] })).toThrow(
      /source lengths \[4,2\] must be 2 whole numbers in 1…3/,
    );
    expect(() => model.forward(source, [[1], [2]])).toThrow(/targets have batch 1 but the source has 2/);
    expect(() => model.forward(source, targets, { samplingProbability: 0.5 })).toThrow(/needs a generator/);
  });
});
