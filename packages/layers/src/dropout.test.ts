import { describe, expect, it } from 'vitest';
import { Generator, ValueError, mul, randn, seed, sum, tensor, type Tensor } from '@loom/core';
import { Dropout } from './dropout.js';

const f64 = { dtype: 'float64' } as const;
/** Inputs with no zeros, so a zero in the output can only come from the mask. */
const nonZero = (shape: number[], s: number) => {
  const x = randn(shape, { ...f64, generator: new Generator(s) });
  return tensor(
    Array.from(x.data, (v) => (v === 0 ? 1 : v)),
    { ...f64, shape },
  );
};
const zeroFraction = (t: Tensor) => Array.from(t.data).filter((v) => v === 0).length / t.size;

describe('Dropout', () => {
  it.each([0.1, 0.5, 0.8])('in training mode zeroes about p = %s of the elements', (p) => {
    const x = nonZero([100, 100], 1);
    const y = new Dropout(p, { generator: new Generator(2) }).forward(x);
    // 10 000 Bernoulli(p) draws: the standard error is ≤ 0.005; allow 0.03.
    expect(Math.abs(zeroFraction(y) - p)).toBeLessThan(0.03);
  });

  it('scales the kept elements by exactly 1/(1 − p) (p = 0.5: exactly 2x)', () => {
    const x = nonZero([50, 40], 3);
    const y = new Dropout(0.5, { generator: new Generator(4) }).forward(x);
    let kept = 0;
    x.data.forEach((v, i) => {
      if (y.data[i] !== 0) {
        kept++;
        expect(y.data[i]).toBe(2 * v);
      }
    });
    expect(kept).toBeGreaterThan(0);
  });

  it('scales the kept elements by 1/(1 − p) to the last bit for other p (float64 and float32)', () => {
    const p = 0.3;
    for (const dtype of ['float64', 'float32'] as const) {
      const x = tensor(Array.from(nonZero([40, 25], 5).data), { dtype, shape: [40, 25] });
      const y = new Dropout(p, { generator: new Generator(6) }).forward(x);
      const tol = dtype === 'float64' ? 2 ** -51 : 2 ** -22;
      x.data.forEach((v, i) => {
        const out = y.data[i]!;
        if (out !== 0) expect(Math.abs(out - v / (1 - p))).toBeLessThanOrEqual(tol * Math.abs(v / (1 - p)));
      });
      expect(y.dtype).toBe(dtype);
    }
  });

  it('in eval mode is the identity', () => {
    const x = nonZero([6, 7], 7);
    const d = new Dropout(0.6, { generator: new Generator(8) });
    expect(d.eval()).toBe(d);
    expect(d.training).toBe(false);
    const y = d.forward(x);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(y.shape).toEqual(x.shape);
    d.train();
    expect(zeroFraction(d.forward(x))).toBeGreaterThan(0);
  });

  it('with p = 0 is the identity in training mode too', () => {
    const x = nonZero([6, 7], 9);
    const d = new Dropout(0, { generator: new Generator(10) });
    expect(d.training).toBe(true);
    expect(Array.from(d.forward(x).data)).toEqual(Array.from(x.data));
  });

  it('a mask shape [1, B, H] reuses one mask across the first axis of [T, B, H]', () => {
    const [T, B, H] = [5, 4, 30];
    const x = nonZero([T, B, H], 11);
    const y = new Dropout(0.5, { generator: new Generator(12) }).forward(x, [1, B, H]);
    expect(y.shape).toEqual([T, B, H]);
    const pattern = (t: number) => Array.from(y.data.slice(t * B * H, (t + 1) * B * H), (v) => v === 0);
    for (let t = 1; t < T; t++) expect(pattern(t)).toEqual(pattern(0));
    const dropped = pattern(0).filter(Boolean).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(B * H);
    // and the kept values are still 2x
    x.data.forEach((v, i) => y.data[i] !== 0 && expect(y.data[i]).toBe(2 * v));
  });

  it('mask() has only 0 and 1/(1 − p) entries in the requested shape and dtype', () => {
    const d = new Dropout(0.25, { generator: new Generator(13) });
    const m = d.mask([3, 50], tensor([1], f64));
    expect(m.shape).toEqual([3, 50]);
    expect(m.dtype).toBe('float64');
    expect(new Set(Array.from(m.data))).toEqual(new Set([0, 1 / 0.75]));
  });

  it('the same generator seed gives the same mask; another seed, another mask', () => {
    const x = nonZero([20, 20], 14);
    const run = (s: number) => Array.from(new Dropout(0.5, { generator: new Generator(s) }).forward(x).data);
    expect(run(15)).toEqual(run(15));
    expect(run(16)).not.toEqual(run(15));
  });

  it('uses the global generator when none is given, so seed() repeats the masks', () => {
    const x = nonZero([20, 20], 17);
    const d = new Dropout(0.5);
    seed(18);
    const a = Array.from(d.forward(x).data);
    const b = Array.from(d.forward(x).data); // a fresh mask per call
    seed(18);
    expect(Array.from(d.forward(x).data)).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('passes gradients only through kept elements, scaled by 1/(1 − p)', () => {
    const x = nonZero([10, 10], 19);
    x.requiresGrad = true;
    const y = new Dropout(0.5, { generator: new Generator(20) }).forward(x);
    sum(mul(y, 1)).backward();
    const g = Array.from(x.grad!.data);
    g.forEach((v, i) => expect(v).toBe(y.data[i] === 0 ? 0 : 2));
  });

  it.each([-0.1, 1, 1.5, Number.NaN])('rejects p = %s with a ValueError', (p) => {
    expect(() => new Dropout(p)).toThrow(ValueError);
    expect(() => new Dropout(p)).toThrow(/Dropout/);
  });

  it('has no parameters', () => {
    expect(new Dropout(0.5).parameters()).toEqual([]);
  });
});
