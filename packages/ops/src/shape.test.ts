import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { allIndices, broadcastRef, broadcastSource, count } from '../test/support/indexing.js';
import { broadcastGroupArb, shapeArb } from '../test/support/arbitraries.js';
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from './shape.js';

const offsetOf = (idx: readonly number[], strides: readonly number[]) => idx.reduce((sum, i, d) => sum + i * strides[d]!, 0);

describe('sizeOf', () => {
  it('scalar, empty and ordinary shapes', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([0])).toBe(0);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(sizeOf([2, 3, 4])).toBe(24);
  });

  test.prop([shapeArb(6)])('is the number of multi-indices', (shape) => {
    expect(sizeOf(shape)).toBe(allIndices(shape).length);
  });
});

describe('stridesOf', () => {
  it('known values', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
    expect(stridesOf([7])).toEqual([1]);
  });

  test.prop([shapeArb(5)])('Σ idx·stride is the row-major position', (shape) => {
    const strides = stridesOf(shape);
    expect(strides).toHaveLength(shape.length);
    allIndices(shape).forEach((idx, flat) => expect(offsetOf(idx, strides)).toBe(flat));
  });
});

describe('broadcastShapes', () => {
  it('known values', () => {
    expect(broadcastShapes([4, 1, 3], [2, 1])).toEqual([4, 2, 3]);
    expect(broadcastShapes([2, 3], [])).toEqual([2, 3]);
    expect(broadcastShapes([], [])).toEqual([]);
    expect(broadcastShapes([1], [0])).toEqual([0]);
    expect(broadcastShapes([2, 3], [4])).toBeNull();
    expect(broadcastShapes([0], [2])).toBeNull();
  });

  test.prop([shapeArb(), shapeArb()])('matches NumPy rules on arbitrary pairs', (a, b) => {
    expect(broadcastShapes(a, b)).toEqual(broadcastRef(a, b));
  });

  test.prop([broadcastGroupArb(2)])('matches NumPy rules on compatible pairs, both ways round', ({ shapes, out }) => {
    const [a, b] = shapes as [number[], number[]];
    expect(broadcastShapes(a, b)).toEqual(out);
    expect(broadcastShapes(b, a)).toEqual(out);
  });
});

describe('broadcastStrides', () => {
  it('known values', () => {
    expect(broadcastStrides([3], [2, 3])).toEqual([0, 1]);
    expect(broadcastStrides([2, 1], [2, 4])).toEqual([1, 0]);
    expect(broadcastStrides([], [5])).toEqual([0]);
    expect(broadcastStrides([], [])).toEqual([]);
  });

  it('rejects shapes that do not broadcast', () => {
    expect(() => broadcastStrides([2, 3], [3])).toThrow(RangeError);
    expect(() => broadcastStrides([2], [3])).toThrow(/\[2\] does not broadcast to \[3\]/);
  });

  test.prop([broadcastGroupArb(2)])('each output index reads the broadcast source element', ({ shapes, out }) => {
    for (const shape of shapes) {
      const strides = broadcastStrides(shape, out);
      expect(strides).toHaveLength(out.length);
      for (const idx of allIndices(out)) expect(offsetOf(idx, strides)).toBe(broadcastSource(idx, shape));
    }
  });

  test.prop([shapeArb()])('of a shape against itself are the contiguous strides, except on size-1 axes', (shape) => {
    const strides = broadcastStrides(shape, shape);
    shape.forEach((dim, d) => {
      const rest = count(shape.slice(d + 1));
      expect(strides[d]).toBe(dim === 1 ? 0 : rest);
    });
  });
});
