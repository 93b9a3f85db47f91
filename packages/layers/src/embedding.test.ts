import { describe, expect, it } from 'vitest';
import { Generator, LoomError, ValueError, mul, randn, stopGradient, sum, tanh, tensor, type Tensor } from '@loom/core';
import { gradcheck } from '@loom/core/testing';
import { Embedding } from './embedding.js';
import { functionalCall } from './functional.js';

const f64 = { dtype: 'float64' } as const;
const gen = (s: number) => ({ ...f64, generator: new Generator(s) });
const row = (t: Tensor, r: number) => Array.from(t.data.slice(r * t.shape[1]!, (r + 1) * t.shape[1]!));
/** The expected lookup, in plain JS: the table's rows at `ids`, flattened. */
const lookup = (table: Tensor, ids: number[]) => ids.flatMap((i) => row(table, i));

describe('Embedding', () => {
  it('has a [count, dim] weight named weight, N(0, 1) by default', () => {
    const e = new Embedding(200, 100, gen(1));
    expect(e.weight.shape).toEqual([200, 100]);
    expect(e.namedParameters().map(([n]) => n)).toEqual(['weight']);
    const xs = Array.from(e.weight.data);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.96);
    expect(variance).toBeLessThan(1.04);
    expect(new Embedding(3, 2).weight.dtype).toBe('float32');
  });

  it('looks up a 1-D array of ids, repeats included', () => {
    const e = new Embedding(6, 3, gen(2));
    const ids = [4, 0, 4, 5];
    const y = e.forward(ids);
    expect(y.shape).toEqual([4, 3]);
    expect(Array.from(y.data)).toEqual(lookup(e.weight, ids));
  });

  it('looks up a 2-D array of ids as [rows, cols, dim]', () => {
    const e = new Embedding(6, 3, gen(3));
    const ids = [
      [1, 2, 3],
      [5, 5, 0],
    ];
    const y = e.forward(ids);
    expect(y.shape).toEqual([2, 3, 3]);
    expect(Array.from(y.data)).toEqual(lookup(e.weight, ids.flat()));
  });

  it('looks up ids given as a Tensor (any float dtype) or an Int32Array', () => {
    const e = new Embedding(6, 3, gen(4));
    const ids = [
      [3, 1],
      [0, 2],
    ];
    for (const t of [tensor(ids), tensor(ids, f64)]) {
      const y = e.forward(t);
      expect(y.shape).toEqual([2, 2, 3]);
      expect(Array.from(y.data)).toEqual(lookup(e.weight, ids.flat()));
    }
    expect(Array.from(e.forward(Int32Array.from([5, 1])).data)).toEqual(lookup(e.weight, [5, 1]));
  });

  it('rejects ids out of range or not whole with a typed error that names the bad id', () => {
    const e = new Embedding(5, 2);
    for (const bad of [[5], [-1], [1.5], [[0, 7]]]) {
      expect(() => e.forward(bad)).toThrow(ValueError);
    }
    expect(() => e.forward([0, 7])).toThrow(/7/);
    expect(() => e.forward(tensor([0, 9]))).toThrow(LoomError);
    const padded = new Embedding(5, 2, { paddingIdx: 0 });
    expect(() => padded.forward([0, 5])).toThrow(ValueError);
  });

  describe('paddingIdx', () => {
    it('zeroes that row at creation, and leaves the others random', () => {
      const e = new Embedding(5, 4, { ...gen(5), paddingIdx: 2 });
      expect(row(e.weight, 2)).toEqual([0, 0, 0, 0]);
      for (const r of [0, 1, 3, 4]) expect(row(e.weight, r).every((v) => v !== 0)).toBe(true);
      // the other rows are exactly what the same seed gives without padding
      const plain = new Embedding(5, 4, gen(5));
      for (const r of [0, 1, 3, 4]) expect(row(e.weight, r)).toEqual(row(plain.weight, r));
    });

    it('gives zero output for padding ids, even if the row was changed since', () => {
      const e = new Embedding(4, 3, { ...gen(6), paddingIdx: 0 });
      const ids = [
        [1, 0, 3],
        [0, 0, 2],
      ];
      expect(Array.from(e.forward(ids).data)).toEqual(lookup(e.weight, ids.flat()));
      const w = Array.from(e.weight.data);
      w.splice(0, 3, 7, 8, 9); // e.g. after a weight-decay step or a loaded checkpoint
      e.weight.assign(tensor(w, { ...f64, shape: [4, 3] }));
      const y = Array.from(e.forward(ids).data);
      const expected = ids.flat().flatMap((i) => (i === 0 ? [0, 0, 0] : row(e.weight, i)));
      expect(y).toEqual(expected);
      expect(Array.from(e.forward(tensor(ids)).data)).toEqual(expected);
    });

    it('gets zero gradient on the padding row while repeated ids accumulate (hand count)', () => {
      const e = new Embedding(5, 2, { ...gen(7), paddingIdx: 1 });
      const ids = [
        [3, 1, 3, 0],
        [1, 3, 4, 1],
      ];
      // Σ of every output element: each row's gradient is (its number of occurrences) in every column.
      sum(e.forward(ids)).backward();
      const counts = [1, 0, 0, 3, 1]; // id 1 occurs three times but is padding
      expect(Array.from(e.weight.grad!.data)).toEqual(counts.flatMap((c) => [c, c]));
    });

    it('weights each occurrence by its output gradient, and none reaches the padding row', () => {
      const e = new Embedding(4, 3, { ...gen(8), paddingIdx: 2 });
      const ids = [2, 1, 1, 3, 2, 1];
      const c = randn([6, 3], gen(9));
      sum(mul(e.forward(ids), c)).backward();
      const expected = [0, 1, 2, 3].flatMap((r) =>
        [0, 1, 2].map((d) => (r === 2 ? 0 : ids.reduce((s, id, pos) => s + (id === r ? c.data[pos * 3 + d]! : 0), 0))),
      );
      Array.from(e.weight.grad!.data).forEach((g, k) => expect(g).toBeCloseTo(expected[k]!, 14));
    });

    it('gradchecks with respect to the table (float64), with padding ids present', () => {
      const e = new Embedding(4, 2, { ...gen(10), paddingIdx: 0 });
      const w = stopGradient(randn([4, 2], gen(11))); // a non-zero padding row, to see its gradient is 0
      const ids = [
        [0, 2],
        [3, 2],
      ];
      expect(gradcheck((t: Tensor) => functionalCall(e, [t], () => tanh(e.forward(ids))), [w])).toBe(true);
    });

    // Fails today: embedding.ts line 42 fills `[pad·dim, (pad+1)·dim)` without checking `pad`. With pad ≥ count
    // the fill is a no-op; with a negative pad (PyTorch's −1 = last row) Array.fill counts from the end but the
    // end index (pad+1)·dim is ≤ 0, so nothing is zeroed, and forward's `ne(ids, −1)` never matches: padding is
    // silently off. Validate pad in [−count, count), and wrap a negative one as PyTorch does (or reject it).
    it('rejects a paddingIdx outside the table, and never silently ignores a negative one', () => {
      expect(() => new Embedding(5, 2, { paddingIdx: 5 })).toThrow(ValueError);
      expect(() => new Embedding(5, 2, { paddingIdx: 1.5 })).toThrow(ValueError);
      let e: Embedding | null = null;
      try {
        e = new Embedding(5, 2, { ...gen(12), paddingIdx: -1 });
      } catch (err) {
        expect(err).toBeInstanceOf(ValueError); // rejecting is fine
      }
      if (e !== null) {
        // accepting is fine only as PyTorch does: −1 is the last row
        expect(row(e.weight, 4)).toEqual([0, 0]);
        expect(Array.from(e.forward([4]).data)).toEqual([0, 0]);
      }
    });
  });
});
