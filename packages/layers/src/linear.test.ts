import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, randn, stopGradient, sum, tanh, tensor, type Tensor } from '@loom/core';
import { gradcheck } from '@loom/core/testing';
import { functionalCall } from './functional.js';
import { Linear } from './linear.js';

const f64 = { dtype: 'float64' } as const;
const gen = (s: number) => ({ ...f64, generator: new Generator(s) });

/** y[r][o] = Σ_i x[r][i] · W[o][i] + b[o], over every leading index r, in plain JS. */
function affine(x: Tensor, w: Tensor, b: Tensor | null): number[] {
  const [out, inp] = w.shape as [number, number];
  const rows = x.size / inp;
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let s = b ? b.data[o]! : 0;
      for (let i = 0; i < inp; i++) s += x.data[r * inp + i]! * w.data[o * inp + i]!;
      y.push(s);
    }
  }
  return y;
}

const expectClose = (actual: ArrayLike<number>, expected: number[], digits = 12) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('Linear', () => {
  it('has weight [out, in] and bias [out], named weight and bias', () => {
    const l = new Linear(3, 5);
    expect(l.weight.shape).toEqual([5, 3]);
    expect(l.bias?.shape).toEqual([5]);
    expect(l.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(l.parameterCount()).toBe(20);
  });

  it('initializes weight and bias uniformly in ±1/√in, as PyTorch', () => {
    const l = new Linear(400, 300, gen(1));
    const a = 1 / Math.sqrt(400);
    for (const p of [l.weight, l.bias!]) {
      const xs = Array.from(p.data);
      expect(Math.max(...xs)).toBeLessThan(a);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(-a);
    }
    const w = Array.from(l.weight.data);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance / ((a * a) / 3)).toBeGreaterThan(0.97);
    expect(variance / ((a * a) / 3)).toBeLessThan(1.03);
  });

  it('is reproducible from a seed and respects dtype', () => {
    const a = new Linear(4, 3, gen(7));
    const b = new Linear(4, 3, gen(7));
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(a.weight.dtype).toBe('float64');
    expect(new Linear(4, 3).weight.dtype).toBe('float32');
  });

  it('computes y = x Wᵀ + b for a [B, in] input', () => {
    const l = new Linear(4, 3, gen(2));
    const x = randn([5, 4], gen(3));
    const y = l.forward(x);
    expect(y.shape).toEqual([5, 3]);
    expectClose(y.data, affine(x, l.weight, l.bias));
  });

  it('computes y = x Wᵀ + b over the last axis of a [T, B, in] input', () => {
    const l = new Linear(4, 3, gen(4));
    const x = randn([6, 2, 4], gen(5));
    const y = l.forward(x);
    expect(y.shape).toEqual([6, 2, 3]);
    expectClose(y.data, affine(x, l.weight, l.bias));
  });

  it('works on a small hand-written case', () => {
    const l = new Linear(2, 2, f64);
    l.weight.assign(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        f64,
      ),
    );
    l.bias!.assign(tensor([10, 20], f64));
    expect(l.forward(tensor([[1, -1]], f64)).toArray()).toEqual([[1 - 2 + 10, 3 - 4 + 20]]);
  });

  it('without bias: y = x Wᵀ and only the weight is a parameter', () => {
    const l = new Linear(4, 3, { ...gen(6), bias: false });
    expect(l.bias).toBeNull();
    expect(l.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(l.parameterCount()).toBe(12);
    const x = randn([2, 3, 4], gen(7));
    expectClose(l.forward(x).data, affine(x, l.weight, null));
  });

  it('gradchecks (float64) with respect to the input, weight and bias through functionalCall', () => {
    const l = new Linear(3, 2, gen(8));
    const x = randn([2, 2, 3], gen(9));
    const params = l.parameters().map((p) => stopGradient(p));
    expect(params.length).toBe(2);
    const f = (xs: Tensor, w: Tensor, b: Tensor) => functionalCall(l, [w, b], () => tanh(l.forward(xs)));
    expect(gradcheck(f, [x, ...params])).toBe(true);
    const g = (xs: Tensor, w: Tensor, b: Tensor) => functionalCall(l, [w, b], () => sum(l.forward(xs)));
    expect(gradcheck(g, [x, ...params])).toBe(true);
  });

  it('gradchecks without bias', () => {
    const l = new Linear(3, 2, { ...gen(10), bias: false });
    const x = randn([4, 3], gen(11));
    const w = stopGradient(l.weight);
    expect(gradcheck((xs: Tensor, ws: Tensor) => functionalCall(l, [ws], () => tanh(l.forward(xs))), [x, w])).toBe(true);
  });

  it('backward puts gradients on weight and bias: dΣy/db = rows, dΣy/dW[o][i] = Σ_r x[r][i]', () => {
    const l = new Linear(3, 2, gen(12));
    const x = randn([4, 3], gen(13));
    sum(l.forward(x)).backward();
    expect(Array.from(l.bias!.grad!.data)).toEqual([4, 4]);
    const colSums = [0, 1, 2].map((i) => [0, 1, 2, 3].reduce((s, r) => s + x.data[r * 3 + i]!, 0));
    expectClose(l.weight.grad!.data, [...colSums, ...colSums]);
  });

  it('rejects the wrong input size with a ShapeError naming Linear(in→out) and the input shape', () => {
    const l = new Linear(4, 3);
    expect(() => l.forward(randn([2, 5]))).toThrow(ShapeError);
    expect(() => l.forward(randn([2, 5]))).toThrow(/Linear\(4.3\).*\[2,5\]/);
    expect(() => l.forward(randn([7, 2, 3]))).toThrow(/Linear\(4.3\).*\[7,2,3\]/);
    expect(() => l.forward(randn([4, 2]))).toThrow(ShapeError); // the last axis counts, not the first
  });
});
