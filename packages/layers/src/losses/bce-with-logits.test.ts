import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, ShapeError, rand, randn, sum, tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { bceWithLogits } from './bce-with-logits.js';

const gen = (seed: number) => ({ dtype: 'float64' as const, generator: new Generator(seed) });

/** The textbook form, fine for moderate logits: −[pw·y·log σ(x) + (1 − y)·log(1 − σ(x))]. */
const ref = (x: number, y: number, pw = 1) => {
  const s = 1 / (1 + Math.exp(-x));
  return -(pw * y * Math.log(s) + (1 - y) * Math.log(1 - s));
};

describe('bceWithLogits', () => {
  const x = randn([3, 4], gen(1));
  const y = rand([3, 4], gen(2));
  const pw = tensor([0.5, 1, 2, 3], { dtype: 'float64' });

  it('matches the textbook formula, with and without posWeight', () => {
    const plain = Array.from(x.data, (v, i) => ref(v, y.data[i]!));
    const weighted = Array.from(x.data, (v, i) => ref(v, y.data[i]!, pw.data[i % 4]!));
    Array.from(bceWithLogits(x, y, { reduction: 'none' }).data).forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 12));
    expect(bceWithLogits(x, y).item()).toBeCloseTo(plain.reduce((a, b) => a + b) / 12, 12);
    expect(bceWithLogits(x, y, { posWeight: pw, reduction: 'sum' }).item()).toBeCloseTo(
      weighted.reduce((a, b) => a + b),
      12,
    );
    const scalar = Array.from(x.data, (v, i) => ref(v, y.data[i]!, 2.5)).reduce((a, b) => a + b) / 12;
    expect(bceWithLogits(x, y, { posWeight: 2.5 }).item()).toBeCloseTo(scalar, 12);
  });

  it('gradchecks in logits, targets and posWeight, to second order', () => {
    expect(gradcheck((a, b) => bceWithLogits(a!, b!), [x, y])).toBe(true);
    expect(gradcheck((a, b, w) => bceWithLogits(a!, b!, { posWeight: w!, reduction: 'none' }), [x, y, pw])).toBe(true);
    expect(gradgradcheck((a, b, w) => bceWithLogits(a!, b!, { posWeight: w! }), [x, y, pw])).toBe(true);
  });

  it('stays finite for logits of ±1e3 in float32', () => {
    const big = tensor([1000, -1000, 1000, -1000], { requiresGrad: true });
    const target = tensor([1, 0, 0, 1]);
    expect(Array.from(bceWithLogits(big, target, { reduction: 'none' }).data)).toEqual([0, 0, 1000, 1000]);
    const weighted = bceWithLogits(big, target, { reduction: 'none', posWeight: 3 });
    expect(Array.from(weighted.data)).toEqual([0, 0, 1000, 3000]);
    sum(weighted).backward();
    expect(Array.from(big.grad!.data)).toEqual([0, 0, 1, -3]);
  });

  it('names the shapes in errors', () => {
    expect(() => bceWithLogits(x, randn([4], gen(0)))).toThrow(ShapeError);
    expect(() => bceWithLogits(x, randn([4], gen(0)))).toThrow('bceWithLogits: target [4] and logits [3,4] must have the same shape');
    expect(() => bceWithLogits(x, y, { posWeight: tensor([1, 2, 3], { dtype: 'float64' }) })).toThrow(
      'bceWithLogits: posWeight [3] does not broadcast to logits [3,4]',
    );
    expect(() => bceWithLogits(x, tensor([[1, 0, 1, 0]]))).toThrow(ShapeError);
    expect(() => bceWithLogits(tensor([1]), tensor([1], { dtype: 'float64' }))).toThrow(DTypeError);
  });
});
