import { describe, expect, it } from 'vitest';
import { ValueError } from '@loom/core';
import { Embedding, GRUCell, HierarchicalAutoencoder, LSTMCell, Linear, RNNCell, SequenceAutoencoder, crossEntropy } from '@loom/layers';
import { checkModule, opts } from './_support.js';

// The auto-encoders: reconstruction targets, gradients against every parameter (float64), codes that do not depend
// on padding or on the other sequences of the batch, and the shapes of their outputs.

const [V, E, H] = [6, 2, 3];
const [PAD, BOS, EOS] = [0, 1, 2];

function flat(seed = 1): SequenceAutoencoder {
  const g = opts(seed);
  return new SequenceAutoencoder({
    embedding: new Embedding(V, E, g),
    encoder: new LSTMCell(E, H, g),
    decoder: new LSTMCell(E, H, g),
    output: new Linear(H, V, g),
    bos: BOS,
    eos: EOS,
    pad: PAD,
  });
}

function hierarchical(seed = 1): HierarchicalAutoencoder {
  const g = opts(seed);
  return new HierarchicalAutoencoder({
    embedding: new Embedding(V, E, g),
    wordEncoder: new GRUCell(E, H, g),
    sentenceEncoder: new RNNCell(H, 2, g),
    sentenceDecoder: new GRUCell(2, 2, g),
    wordDecoder: new LSTMCell(E + 2, H, g),
    output: new Linear(H, V, g),
    bos: BOS,
    eos: EOS,
    pad: PAD,
  });
}

const source = [
  [3, 5],
  [4, 0],
  [5, 0],
]; // [S = 3][B = 2], lengths [3, 1]
const documents = [[[3, 4, 5], [5]], [[4, 4]]];

describe('SequenceAutoencoder', () => {
  it('targets each sequence, then eos, then padding', () => {
    const { logits, targets } = flat().forward(source, { sourceLengths: [3, 1] });
    expect(targets).toEqual([
      [3, 5],
      [4, EOS],
      [5, PAD],
      [EOS, PAD],
    ]);
    expect(logits.shape).toEqual([4, 2, V]);
  });

  it('gradients of the reconstruction loss against every parameter (float64)', () => {
    const model = flat(2);
    expect(
      checkModule(model, [], () => {
        const { logits, targets } = model.forward(source, { sourceLengths: [3, 1] });
        return crossEntropy(logits, targets, { ignoreIndex: PAD });
      }),
    ).toBe(true);
  });

  it('codes ignore padding and the rest of the batch; reconstructions end with eos or at S + 1', () => {
    const model = flat(3);
    const both = model.encode(source, [3, 1]).toArray() as number[][];
    expect(model.encode([[5]]).toArray()).toEqual([both[1]]);
    model.reconstruct(source, { sourceLengths: [3, 1] }).forEach((out) => {
      expect(out.length).toBeLessThanOrEqual(4);
      if (out.length < 4) expect(out[out.length - 1]).toBe(EOS);
    });
    const g = opts(3);
    const parts = {
      embedding: new Embedding(V, E, g),
      encoder: new GRUCell(E, H, g),
      decoder: new GRUCell(E, H, g),
      output: new Linear(H, V, g),
    };
    expect(() => new SequenceAutoencoder({ ...parts, bos: BOS, eos: EOS, pad: V })).toThrow(/pad token 6 is not in the vocabulary 0…5/);
    expect(() => model.forward(source, { sourceLengths: [4, 1] })).toThrow(ValueError);
  });
});

describe('HierarchicalAutoencoder', () => {
  it('gradients of the reconstruction loss against every parameter (float64), ragged at both levels', () => {
    const model = hierarchical(4);
    expect(checkModule(model, [], () => model.forward(documents).logits)).toBe(true);
    const { targets } = model.forward(documents);
    expect(targets).toEqual([
      [3, 5, 4],
      [4, EOS, 4],
      [5, PAD, EOS],
      [EOS, PAD, PAD],
    ]);
  });

  it('one vector per sentence and per document, independent of the rest of the batch', () => {
    const model = hierarchical(5);
    const { sentences, documents: docs } = model.encode(documents);
    expect(sentences.shape).toEqual([3, H]);
    expect(docs.shape).toEqual([2, 2]);
    const alone = model.encode([documents[1]!]);
    const rows = (t: { toArray(): unknown }) => t.toArray() as number[][];
    rows(alone.sentences)[0]!.forEach((v, i) => expect(v).toBeCloseTo(rows(sentences)[2]![i]!, 14));
    rows(alone.documents)[0]!.forEach((v, i) => expect(v).toBeCloseTo(rows(docs)[1]![i]!, 14));
  });

  it('reconstructs as many sentences as each document has, and rejects empty ones', () => {
    const model = hierarchical(6);
    const out = model.reconstruct(documents);
    expect(out.map((d) => d.length)).toEqual([2, 1]);
    out.flat().forEach((s) => expect(s.length).toBeLessThanOrEqual(4));
    expect(() => model.encode([[[3], []]])).toThrow(/sentence 1 of document 0 is empty/);
    expect(() => model.encode([[[3, 9]]])).toThrow(/words\[1\]\[0\] = 9 is not a token id in 0…5/);
  });
});
