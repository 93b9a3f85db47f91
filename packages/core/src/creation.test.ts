import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arange, eye, full, ones, onesLike, tensor, zeros, zerosLike } from './creation.js';
import type { NestedArray } from './tensor.js';

// Expected values are written out by hand or computed in plain float64 JS; never taken from the library.

describe('tensor()', () => {
  it('makes a float32 scalar from a number', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.rank).toBe(0);
    expect(t.size).toBe(1);
    expect(t.dtype).toBe('float32');
    expect(t.item()).toBe(2.5);
    expect(t.toArray()).toBe(2.5);
  });

  it('takes its shape from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(Array.from(t.toTypedArray())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
    expect(tensor([7]).shape).toEqual([1]);
  });

  it('reads a typed array as a flat list, with `shape` giving the layout', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2], dtype: 'float64' });
    expect(t.shape).toEqual([3, 2]);
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tensor(new Float32Array([1, 2, 3])).shape).toEqual([3]);
    expect(tensor(new Int32Array([4, 5])).toArray()).toEqual([4, 5]);
  });

  it('accepts a plain flat array with `shape`, and a number with shape [] or [1, 1]', () => {
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(3, { shape: [] }).shape).toEqual([]);
    expect(tensor(3, { shape: [1, 1] }).toArray()).toEqual([[3]]);
  });

  it('reads nested typed arrays', () => {
    const t = tensor([Float32Array.of(1, 2), Float32Array.of(3, 4)] as unknown as NestedArray);
    expect(t.shape).toEqual([2, 2]);
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('makes empty tensors', () => {
    const empty = tensor([]);
    expect(empty.shape).toEqual([0]);
    expect(empty.size).toBe(0);
    expect(empty.toArray()).toEqual([]);
    const rows = tensor([[], []]);
    expect(rows.shape).toEqual([2, 0]);
    expect(rows.toArray()).toEqual([[], []]);
    expect(tensor([], { shape: [0, 3] }).shape).toEqual([0, 3]);
    expect(tensor([], { shape: [3, 0] }).toArray()).toEqual([[], [], []]);
  });

  it('defaults to float32 and honours dtype', () => {
    expect(tensor([1, 2]).dtype).toBe('float32');
    expect(tensor([1, 2]).toTypedArray()).toBeInstanceOf(Float32Array);
    const t = tensor([1, 2], { dtype: 'float64' });
    expect(t.dtype).toBe('float64');
    expect(t.toTypedArray()).toBeInstanceOf(Float64Array);
    expect(tensor([1, 2], { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('rounds to float32, and keeps float64 exact', () => {
    expect(tensor([0.1]).item()).toBe(Math.fround(0.1));
    expect(tensor([0.1]).item()).not.toBe(0.1);
    expect(tensor(0.1, { dtype: 'float64' }).item()).toBe(0.1);
    expect(tensor([16777217]).item()).toBe(16777216); // 2^24 + 1 is not a float32
    expect(tensor([1e39]).item()).toBe(Infinity); // beyond float32's range
    expect(tensor([1e-46]).item()).toBe(0); // below float32's smallest subnormal
    expect(tensor([[1 / 3, 2 / 3]]).toArray()).toEqual([[Math.fround(1 / 3), Math.fround(2 / 3)]]);
  });

  it('keeps NaN, ±Infinity and −0', () => {
    const values = tensor([Number.NaN, Infinity, -Infinity, -0], { dtype: 'float64' }).toArray() as number[];
    expect(values[0]).toBeNaN();
    expect(values[1]).toBe(Infinity);
    expect(values[2]).toBe(-Infinity);
    expect(Object.is(values[3], -0)).toBe(true);
  });

  it('copies the input: later writes to the source do not change the tensor', () => {
    const nested = [
      [1, 2],
      [3, 4],
    ];
    const flat = new Float32Array([1, 2, 3]);
    const shape = [3];
    const a = tensor(nested);
    const b = tensor(flat, { shape });
    nested[0]![0] = 99;
    flat[0] = 99;
    shape[0] = 1;
    expect(a.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(b.toArray()).toEqual([1, 2, 3]);
    expect(b.shape).toEqual([3]);
  });

  it('toTypedArray returns a copy', () => {
    const t = tensor([1, 2, 3]);
    const copy = t.toTypedArray();
    copy[0] = 42;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });

  it('requiresGrad is false unless asked for', () => {
    expect(tensor([1]).requiresGrad).toBe(false);
    expect(tensor([1], { requiresGrad: false }).requiresGrad).toBe(false);
    const w = tensor([1, 2], { requiresGrad: true });
    expect(w.requiresGrad).toBe(true);
    expect(w.grad).toBeNull();
    expect(w.node).toBeNull(); // still a leaf
  });

  it('shape is frozen', () => {
    expect(Object.isFrozen(tensor([[1, 2]]).shape)).toBe(true);
  });
});

describe('toArray() round-trips nested float64 input exactly', () => {
  // Nested arrays of rank 0–3 with sizes 0–4 and any finite doubles (including −0 and subnormals).
  const nestedArb = fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 })
    .chain((shape) => build(shape).map((values) => ({ shape, values })));
  function build(shape: number[]): fc.Arbitrary<NestedArray> {
    if (shape.length === 0) return fc.double({ noNaN: true });
    const [n, ...rest] = shape;
    return fc.array(build(rest), { minLength: n!, maxLength: n! });
  }

  test.prop([nestedArb])('tensor(x, float64).toArray() equals x, and the shape is the nesting', ({ shape, values }) => {
    const t = tensor(values, { dtype: 'float64' });
    // An empty level hides the sizes below it: [[], []] has shape [2, 0].
    const firstZero = shape.indexOf(0);
    expect(t.shape).toEqual(firstZero === -1 ? shape : shape.slice(0, firstZero + 1));
    expect(t.toArray()).toEqual(values);
  });

  test.prop([fc.array(fc.double(), { maxLength: 12 })])('float32 input rounds every element with Math.fround', (values) => {
    expect(tensor(values).toArray()).toEqual(values.map(Math.fround));
  });
});

describe('item()', () => {
  it('returns the one element of any one-element shape', () => {
    expect(tensor(3).item()).toBe(3);
    expect(tensor([4]).item()).toBe(4);
    expect(tensor([[[5]]]).item()).toBe(5);
    expect(tensor([-1.5], { dtype: 'float64' }).item()).toBe(-1.5);
  });
});

describe('zeros, ones, full', () => {
  it('fill the shape with the value', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2, 2], 0.5).toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(full([2], -7, { dtype: 'float64' }).toArray()).toEqual([-7, -7]);
  });

  it('make scalars from [] and empty tensors from a zero size', () => {
    expect(zeros([]).shape).toEqual([]);
    expect(ones([]).item()).toBe(1);
    expect(full([], 3).item()).toBe(3);
    expect(zeros([2, 0]).size).toBe(0);
    expect(ones([0, 3]).toArray()).toEqual([]);
  });

  it('default to float32 and honour dtype', () => {
    expect(zeros([1]).dtype).toBe('float32');
    expect(ones([1]).dtype).toBe('float32');
    expect(full([1], 2).dtype).toBe('float32');
    expect(zeros([1], { dtype: 'float64' }).dtype).toBe('float64');
    expect(ones([1], { dtype: 'float64' }).dtype).toBe('float64');
    expect(full([1], 0.1, { dtype: 'float64' }).item()).toBe(0.1);
    expect(full([1], 0.1).item()).toBe(Math.fround(0.1));
  });

  it('full keeps NaN and Infinity', () => {
    expect(full([2], Number.NaN).toArray()).toEqual([Number.NaN, Number.NaN]);
    expect(full([1], -Infinity).item()).toBe(-Infinity);
  });

  it('each call gets its own buffer', () => {
    const a = zeros([2]);
    const b = zeros([2]);
    expect(a.toTypedArray()).not.toBe(b.toTypedArray());
    expect(a.requiresGrad).toBe(false);
  });
});

describe('zerosLike, onesLike', () => {
  it('copy shape and dtype', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    const z = zerosLike(x);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float64');
    expect(z.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const o = onesLike(tensor([[7]]));
    expect(o.shape).toEqual([1, 1]);
    expect(o.dtype).toBe('float32');
    expect(o.toArray()).toEqual([[1]]);
    expect(onesLike(tensor(5)).shape).toEqual([]);
  });

  it('do not require gradients even when x does', () => {
    expect(zerosLike(tensor([1], { requiresGrad: true })).requiresGrad).toBe(false);
  });
});

describe('arange', () => {
  const values = (t: { toArray(): NestedArray }) => t.toArray() as number[];

  it('with one argument counts from 0', () => {
    const t = arange(4);
    expect(t.shape).toEqual([4]);
    expect(t.dtype).toBe('float32');
    expect(values(t)).toEqual([0, 1, 2, 3]);
  });

  it('with start and stop excludes stop', () => {
    expect(values(arange(2, 6))).toEqual([2, 3, 4, 5]);
    expect(values(arange(-3, 0))).toEqual([-3, -2, -1]);
  });

  it('takes fractional steps', () => {
    expect(values(arange(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75]);
    // ceil((1 − 0) / 0.3) = 4 elements; values are start + i·step in float64
    expect(values(arange(0, 1, 0.3, { dtype: 'float64' }))).toEqual([0, 0.3, 0.6, 0.8999999999999999]);
    const tenths = values(arange(0, 1, 0.1, { dtype: 'float64' }));
    expect(tenths).toHaveLength(10);
    tenths.forEach((v, i) => expect(v).toBe(i * 0.1));
  });

  it('takes negative steps', () => {
    expect(values(arange(5, 0, -1))).toEqual([5, 4, 3, 2, 1]);
    expect(values(arange(1, -1, -0.5))).toEqual([1, 0.5, 0, -0.5]);
  });

  it('gives an empty tensor for an empty range', () => {
    for (const t of [arange(0), arange(5, 0), arange(0, 5, -1), arange(3, 3), arange(-2)]) {
      expect(t.shape).toEqual([0]);
      expect(t.size).toBe(0);
    }
  });

  it('stops before stop even when the last step lands just short of it', () => {
    // (0.3 − 0) / 0.1 = 2.9999999999999996 in float64, so 3 elements, as NumPy
    expect(values(arange(0, 0.3, 0.1, { dtype: 'float64' }))).toEqual([0, 0.1, 0.2]);
  });

  it('honours dtype', () => {
    expect(arange(3, undefined, 1, { dtype: 'float64' }).dtype).toBe('float64');
    expect(values(arange(0, 0.3, 0.1))).toEqual([0, Math.fround(0.1), Math.fround(0.2)]);
  });
});

describe('eye', () => {
  it('makes a square identity', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(1).toArray()).toEqual([[1]]);
    expect(eye(3).dtype).toBe('float32');
  });

  it('makes rectangular matrices with ones on the main diagonal', () => {
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 2).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
  });

  it('handles zero sizes and dtype', () => {
    expect(eye(0).shape).toEqual([0, 0]);
    expect(eye(2, 0).shape).toEqual([2, 0]);
    expect(eye(2, 2, { dtype: 'float64' }).dtype).toBe('float64');
  });
});
