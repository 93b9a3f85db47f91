import { describe, expect, it } from 'vitest';
import { Generator, ValueError, log, tensor, type Tensor } from '@loom/core';
import {
  Attention,
  Embedding,
  GRUCell,
  LSTMCell,
  Linear,
  Seq2Seq,
  beamSearch,
  greedyDecode,
  samplingProbability,
  type SamplingSchedule,
  type StepDecoder,
} from '@loom/layers';
import { opts } from './_support.js';

// Decoding: greedy and beam search over the StepDecoder contract (width 1 is greedy; a wider beam finds what greedy
// misses on a decoder built for it), and scheduled sampling (a monotone schedule, reproducible coin flips).

const V = 7;
const source = [
  [3, 4, 5],
  [6, 2, 3],
  [4, 0, 0],
  [5, 0, 0],
]; // [S = 4][B = 3]
const sourceLengths = [4, 2, 1];

function model(seed: number): Seq2Seq {
  const g = opts(seed);
  return new Seq2Seq({
    sourceEmbedding: new Embedding(V, 4, g),
    encoder: new GRUCell(4, 6, g),
    decoder: new LSTMCell(4, 6, g),
    attention: new Attention(6, 6, { ...g, kind: 'additive' }),
    output: new Linear(6, V, g),
    bridge: 'linear',
    bos: 1,
    eos: 2,
    ...g,
  });
}

/**
 * A decoder over tokens {0: end, 1: a, 2: b, 3: start} whose next-token probabilities depend on the prefix only:
 * first a 0.6, b 0.4; after a: end 0.4, a 0.3, b 0.3; after b: end 0.9, a 0.05, b 0.05. Greedy takes a then end
 * (0.24); the best sequence is b, end (0.36).
 */
const toy: StepDecoder<number[][]> = {
  batch: 1,
  vocabSize: 4,
  bos: 3,
  eos: 0,
  initial: [[]],
  step(tokens, prefixes) {
    const next = prefixes.map((p, r) => (tokens[r] === 3 ? p : [...p, tokens[r]!]));
    const probs = next.map((p) => {
      if (p.length === 0) return [1e-9, 0.6, 0.4, 1e-9];
      if (p[0] === 1) return [0.4, 0.3, 0.3, 1e-9];
      return [0.9, 0.05, 0.05, 1e-9];
    });
    return { logits: log(tensor(probs, { dtype: 'float64' })), state: next };
  },
  select: (prefixes, rows) => rows.map((r) => prefixes[r]!),
};

describe('greedy decoding and beam search', () => {
  it('beam search of width 1 makes exactly the greedy choices', () => {
    for (const seed of [1, 2, 3]) {
      const m = model(seed);
      const greedy = greedyDecode(m.startDecoding(source, { sourceLengths }), { maxLength: 6 });
      const beam = beamSearch(m.startDecoding(source, { sourceLengths }), { beamWidth: 1, maxLength: 6 });
      expect(beam.sequences).toEqual(greedy.sequences);
      beam.scores.forEach((s, b) => expect(s).toBeCloseTo(greedy.scores[b]!, 12));
    }
  });

  it('greedy returns attention rows for each generated token, zero on padding', () => {
    const { sequences, attention } = greedyDecode(model(1).startDecoding(source, { sourceLengths }), { maxLength: 5 });
    sequences.forEach((tokens, b) => {
      expect(tokens.length).toBeLessThanOrEqual(5);
      expect(tokens.slice(0, -1)).not.toContain(2);
      expect(attention![b]).toHaveLength(tokens.length);
      attention![b]!.forEach((row) => {
        expect(row).toHaveLength(4);
        expect(row.reduce((x, y) => x + y)).toBeCloseTo(1, 12);
        row.forEach((w, s) => (s >= sourceLengths[b]! ? expect(w).toBe(0) : expect(w).toBeGreaterThan(0)));
      });
    });
  });

  it('a wider beam finds the better sequence that greedy misses', () => {
    const greedy = greedyDecode(toy, { maxLength: 5 });
    expect(greedy.sequences).toEqual([[1, 0]]);
    expect(greedy.scores[0]).toBeCloseTo(Math.log(0.24), 6);
    const beam = beamSearch(toy, { beamWidth: 2, maxLength: 5 });
    expect(beam.sequences).toEqual([[2, 0]]);
    expect(beam.scores[0]).toBeCloseTo(Math.log(0.36), 6);
    expect(beam.logProbs[0]).toBeCloseTo(Math.log(0.36), 6);
  });

  it('length normalisation divides by length^α; maxLength cuts unfinished hypotheses', () => {
    const beam = beamSearch(toy, { beamWidth: 2, maxLength: 5, lengthPenalty: 1 });
    expect(beam.scores[0]).toBeCloseTo(Math.log(0.36) / 2, 6);
    const cut = beamSearch(toy, { beamWidth: 2, maxLength: 1 });
    expect(cut.sequences).toEqual([[1]]);
    expect(cut.logProbs[0]).toBeCloseTo(Math.log(0.6), 6);
  });

  it('a wider beam never scores below greedy on a real model', () => {
    const m = model(4);
    const greedy = greedyDecode(m.startDecoding(source, { sourceLengths }), { maxLength: 6 });
    const beam = beamSearch(m.startDecoding(source, { sourceLengths }), { beamWidth: 4, maxLength: 6 });
    beam.scores.forEach((s, b) => expect(s).toBeGreaterThanOrEqual(greedy.scores[b]! - 1e-12));
  });

  it('rejects a bad beam width, length limit or token ids', () => {
    expect(() => beamSearch(toy, { beamWidth: 0, maxLength: 3 })).toThrow(/beamWidth must be a whole number ≥ 1, got 0/);
    expect(() => beamSearch(toy, { beamWidth: 2, maxLength: 3, lengthPenalty: -1 })).toThrow(ValueError);
    expect(() => greedyDecode(toy, { maxLength: 0 })).toThrow(/maxLength must be a whole number ≥ 1/);
    expect(() => greedyDecode({ ...toy, eos: 4 }, { maxLength: 3 })).toThrow(/eos token 4 is not in the vocabulary 0…3/);
    expect(() => greedyDecode({ ...toy, vocabSize: 5 }, { maxLength: 3 })).toThrow(
      /logits at step 0 have shape \[1,4\], expected \[1, 5\]/,
    );
  });
});

describe('scheduled sampling', () => {
  const schedules: SamplingSchedule[] = [
    { kind: 'linear', slope: 0.01, floor: 0.1 },
    { kind: 'exponential', k: 0.97 },
    { kind: 'inverseSigmoid', k: 20 },
  ];

  it('the probability of sampling starts low, never decreases and stays in [0, 1]', () => {
    for (const schedule of schedules) {
      const ps = Array.from({ length: 400 }, (_, i) => samplingProbability(schedule, i));
      expect(ps[0]).toBeLessThan(0.1);
      expect(ps[399]).toBeGreaterThan(0.85);
      ps.slice(1).forEach((p, i) => expect(p).toBeGreaterThanOrEqual(ps[i]!));
      ps.forEach((p) => expect(p >= 0 && p <= 1).toBe(true));
    }
    expect(samplingProbability({ kind: 'linear', slope: 0.01, floor: 0.1 }, 1000)).toBeCloseTo(0.9, 12);
    expect(samplingProbability({ kind: 'inverseSigmoid', k: 20 }, 1e6)).toBe(1);
    expect(() => samplingProbability({ kind: 'exponential', k: 1.5 }, 1)).toThrow(/k must be in \(0, 1\), got 1.5/);
    expect(() => samplingProbability({ kind: 'inverseSigmoid', k: 0.5 }, 1)).toThrow(ValueError);
  });

  const targets = [
    [3, 4, 5],
    [5, 6, 3],
    [4, 3, 6],
    [2, 2, 2],
  ];

  it('is reproducible with the same seed, and p = 0 is teacher forcing', () => {
    const m = model(5);
    const run = (p: number, seed: number) =>
      m.forward(source, targets, { sourceLengths, samplingProbability: p, generator: new Generator(seed) }).logits.toArray();
    expect(run(0.5, 9)).toEqual(run(0.5, 9));
    expect(run(0, 9)).toEqual(m.forward(source, targets, { sourceLengths }).logits.toArray());
    expect(run(0.5, 9)).not.toEqual(run(0, 9));
  });

  it('with p = 1 every step reads the previous argmax: teacher forcing on the greedy output', () => {
    const m = model(6);
    const sampled = m.forward(source, targets, { sourceLengths, samplingProbability: 1, generator: new Generator(1) }).logits;
    const fed: number[][] = [];
    let logits: Tensor = m.forward(source, [[0, 0, 0]], { sourceLengths }).logits;
    for (let t = 0; t < targets.length; t++) {
      const rows = logits.toArray() as number[][][];
      fed.push(rows[t]!.map((row) => row.indexOf(Math.max(...row))));
      logits = m.forward(source, [...fed, [0, 0, 0]], { sourceLengths }).logits;
    }
    expect(sampled.toArray()).toEqual(m.forward(source, fed, { sourceLengths }).logits.toArray());
  });
});
