import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, ShapeError, ValueError, randn, reshape, seed, slice, type Tensor } from '@loom/core';
import { gradcheck } from '@loom/core/testing';
import { DataLoader, LSTMCell, Recurrent, padCollate, padSequences } from '@loom/layers';

// Data plumbing: padding gives Recurrent exactly what the unpadded sequences give, and the loader's orders are
// reproducible permutations.

const f64 = { dtype: 'float64' } as const;
const gen = (n: number) => ({ ...f64, generator: new Generator(n) });

describe('padSequences', () => {
  it('pads time-major to the longest sequence, with lengths and a [T, B] mask', () => {
    const { padded, lengths, mask } = padSequences([[[1], [2], [3]], [[4]], []]);
    expect(padded.shape).toEqual([3, 3, 1]);
    expect(padded.toArray()).toEqual([
      [[1], [4], [0]],
      [[2], [0], [0]],
      [[3], [0], [0]],
    ]);
    expect(lengths).toEqual([3, 1, 0]);
    expect(mask.toArray()).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('puts the batch first with batchFirst, pads id sequences to [B, T] and uses padValue', () => {
    const { padded, mask } = padSequences([[5, 6], [7]], { batchFirst: true, padValue: -1 });
    expect(padded.toArray()).toEqual([
      [5, 6],
      [7, -1],
    ]);
    expect(mask.toArray()).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it('keeps the dtype of tensors and their gradients (float64 gradcheck)', () => {
    const a = randn([3, 2], gen(1));
    const b = randn([1, 2], gen(2));
    const { padded, mask } = padSequences([a, b]);
    expect(padded.dtype).toBe('float64');
    expect(mask.dtype).toBe('float64');
    expect(gradcheck((x, y) => padSequences([x!, y!], { padValue: 0.5 }).padded, [a, b])).toBe(true);
  });

  it('rejects ragged steps, scalars, no sequences and mixed dtypes with typed errors naming the sequences', () => {
    expect(() => padSequences([[[1, 2]], [[1, 2, 3]]])).toThrow(ShapeError);
    expect(() => padSequences([[[1, 2]], [[1, 2, 3]]])).toThrow(/sequence 1 has shape \[1,3\].*sequence 0 has steps \[2\]/);
    expect(() => padSequences([[[1, 2], [3]]])).toThrow(/padSequences: sequence 0: tensor: ragged/);
    expect(() => padSequences([3])).toThrow(/sequence 0 is a scalar/);
    expect(() => padSequences([])).toThrow(ValueError);
    expect(() => padSequences([randn([2, 1], f64), randn([2, 1])])).toThrow(DTypeError);
  });

  it('padded steps do not change what Recurrent computes: each sequence alone gives the same outputs and state', () => {
    const cell = new LSTMCell(3, 4, gen(3));
    const seqs = [randn([5, 3], gen(4)), randn([2, 3], gen(5)), randn([4, 3], gen(6))];
    for (const batchFirst of [false, true]) {
      const rnn = new Recurrent(cell, { batchFirst });
      const { padded, lengths, mask } = padSequences(seqs, { batchFirst, padValue: 7 });
      for (const sequence of [{ lengths }, { mask }]) {
        const { outputs, state } = rnn.forward(padded, undefined, sequence);
        const timeMajor = (batchFirst ? outputs.toArray() : transposed(outputs)) as number[][][];
        seqs.forEach((s, b) => {
          const alone = new Recurrent(cell).forward(reshape3(s));
          const expected = (alone.outputs.toArray() as number[][][]).map((step) => step[0]!);
          const got = timeMajor[b]!;
          expected.forEach((row, t) => row.forEach((v, k) => expect(got[t]![k]).toBeCloseTo(v, 12)));
          got.slice(s.shape[0]).forEach((row) => expect(row.every((v) => v === 0)).toBe(true));
          const [h, c] = state;
          expect(rowOf(h, b)).toEqual(rowOf(alone.state[0], 0).map((v) => expect.closeTo(v, 12)));
          expect(rowOf(c, b)).toEqual(rowOf(alone.state[1], 0).map((v) => expect.closeTo(v, 12)));
        });
      }
    }
  });
});

/** One sequence [T, I] as a batch of one, [T, 1, I]. */
const reshape3 = (s: Tensor) => reshape(s, [s.shape[0]!, 1, s.shape[1]!]);
const transposed = (t: Tensor) => {
  const a = t.toArray() as number[][][];
  return a[0]!.map((_, b) => a.map((step) => step[b]!));
};
const rowOf = (t: Tensor, b: number) => (slice(t, [b], [b + 1]).toArray() as number[][])[0]!;

describe('DataLoader', () => {
  const dataset = { inputs: [10, 11, 12, 13, 14, 15, 16], targets: [0, 1, 2, 3, 4, 5, 6] };

  it('batches in dataset order without shuffle; dropLast drops the short batch; length counts batches', () => {
    const loader = new DataLoader(dataset, { batchSize: 3 });
    expect([...loader].map((b) => b.inputs)).toEqual([[10, 11, 12], [13, 14, 15], [16]]);
    expect([...loader].map((b) => b.size)).toEqual([3, 3, 1]);
    expect(loader.length).toBe(3);
    const dropping = new DataLoader(dataset, { batchSize: 3, dropLast: true });
    expect([...dropping].map((b) => b.targets)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(dropping.length).toBe(2);
  });

  it('shuffles reproducibly: the same seed gives the same epochs, each a permutation, and epochs differ', () => {
    const orders = (g: Generator) => {
      const loader = new DataLoader({ inputs: range(50), targets: range(50) }, { batchSize: 8, shuffle: true, generator: g });
      return [0, 1, 2].map(() => [...loader].flatMap((b) => b.indices!));
    };
    const first = orders(new Generator(7));
    expect(orders(new Generator(7))).toEqual(first);
    for (const epoch of first) expect([...epoch].sort((a, b) => a - b)).toEqual(range(50));
    expect(first[1]).not.toEqual(first[0]);
    expect(orders(new Generator(8))[0]).not.toEqual(first[0]);
    // Without a generator the global one shuffles, so seed() repeats the order too.
    const global = () => [...new DataLoader(dataset, { batchSize: 2, shuffle: true })].flatMap((b) => b.indices!);
    seed(3);
    const a = global();
    seed(3);
    expect(global()).toEqual(a);
  });

  it('buckets by length: batches hold similar keys, and every epoch is still a permutation', () => {
    const g = new Generator(1);
    const lengths = Array.from({ length: 64 }, () => g.int(1, 30));
    const loader = new DataLoader(
      { inputs: lengths, targets: range(64) },
      { batchSize: 4, shuffle: true, generator: new Generator(2), bucket: { key: (n) => n, poolBatches: 16 } },
    );
    const batches = [...loader];
    expect(batches.flatMap((b) => b.indices!).sort((a, b) => a - b)).toEqual(range(64));
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    // One pool holds all 64, sorted, so a batch spans at most its neighbours' lengths; random batches span ~20.
    const mean = batches.reduce((s, b) => s + spread(b.inputs), 0) / batches.length;
    expect(mean).toBeLessThan(3);
    expect(batches.map((b) => b.inputs[0]!)).not.toEqual([...batches.map((b) => b.inputs[0]!)].sort((a, b) => a - b));
  });

  it('collates variable-length sequences with padCollate, targets padded with the ignore index', () => {
    const loader = new DataLoader(
      { inputs: [[1, 2, 3], [4]], targets: [[0, 1, 0], [2]] },
      { batchSize: 2, collate: padCollate({ targetPadValue: -100 }) },
    );
    const [batch] = [...loader];
    expect(batch!.inputs.padded.toArray()).toEqual([
      [1, 4],
      [2, 0],
      [3, 0],
    ]);
    expect(batch!.inputs.lengths).toEqual([3, 1]);
    expect(batch!.targets.toArray()).toEqual([
      [0, 2],
      [1, -100],
      [0, -100],
    ]);
  });

  it('rejects a bad batchSize and mismatched inputs and targets with typed errors', () => {
    expect(() => new DataLoader(dataset, { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(dataset, { batchSize: 1.5 })).toThrow(/batchSize must be a whole number ≥ 1, got 1.5/);
    expect(() => new DataLoader({ inputs: [1, 2], targets: [1] }, { batchSize: 1 })).toThrow(ShapeError);
    expect(() => new DataLoader({ inputs: [1, 2], targets: [1] }, { batchSize: 1 })).toThrow(/2 inputs but 1 targets/);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
