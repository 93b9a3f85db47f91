import { describe, expect, it } from 'vitest';
import { Generator, randn, relu, tanh, tensor, type Tensor } from '@loom/core';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Activation, Sequential } from './sequential.js';

const f64 = { dtype: 'float64' } as const;
const gen = (s: number) => ({ ...f64, generator: new Generator(s) });

/** x Wᵀ + b on nested JS arrays. */
const affine = (x: number[][], l: Linear) =>
  x.map((r) =>
    Array.from({ length: l.outFeatures }, (_, o) => r.reduce((s, v, i) => s + v * l.weight.data[o * l.inFeatures + i]!, l.bias!.data[o]!)),
  );
const rows = (t: Tensor) => t.toArray() as number[][];

describe('Activation', () => {
  it('applies its function and has no parameters', () => {
    const a = new Activation(relu);
    expect(a.forward(tensor([-1, 0, 2.5])).toArray()).toEqual([0, 0, 2.5]);
    expect(a.parameters()).toEqual([]);
    expect(a.children()).toEqual([]);
  });
});

describe('Sequential', () => {
  it('chains layers: Linear → tanh → Linear equals the plain-JS composition', () => {
    const l1 = new Linear(3, 4, gen(1));
    const l2 = new Linear(4, 2, gen(2));
    const mlp = new Sequential(l1, new Activation(tanh), l2);
    const x = randn([5, 3], gen(3));
    const expected = affine(
      affine(rows(x), l1).map((r) => r.map(Math.tanh)),
      l2,
    );
    const y = mlp.forward(x);
    expect(y.shape).toEqual([5, 2]);
    rows(y).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 12)));
  });

  it('applies layers in the order given', () => {
    const x = tensor([-2, 3]);
    const double = new Activation((t) => tensor(Array.from(t.data, (v) => 2 * v)));
    const minus1 = new Activation((t) => tensor(Array.from(t.data, (v) => v - 1)));
    expect(new Sequential(double, minus1).forward(x).toArray()).toEqual([-5, 5]);
    expect(new Sequential(minus1, double).forward(x).toArray()).toEqual([-6, 4]);
  });

  it('with no layers is the identity', () => {
    const x = tensor([1, 2]);
    expect(new Sequential().forward(x)).toBe(x);
  });

  it('names parameters layers.<index>.<field>; parameter-free layers keep their index', () => {
    const mlp = new Sequential(new Linear(3, 4), new Activation(tanh), new Linear(4, 2, { bias: false }));
    expect(mlp.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight']);
    expect(mlp.parameterCount()).toBe(3 * 4 + 4 + 4 * 2);
    expect(mlp.parameters()[2]).toBe((mlp.layers[2] as Linear).weight);
  });

  it('nests: an inner Sequential gives layers.i.layers.j names', () => {
    const inner = new Sequential(new Linear(2, 2), new Activation(relu));
    const outer = new Sequential(new Linear(3, 2), inner);
    expect(outer.namedParameters().map(([n]) => n)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.layers.0.weight',
      'layers.1.layers.0.bias',
    ]);
  });

  it('lists a layer used twice once, and applies it twice', () => {
    const shared = new Linear(2, 2, gen(4));
    const net = new Sequential(shared, new Activation(tanh), shared);
    expect(net.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias']);
    const x = randn([1, 2], gen(5));
    const expected = affine(
      affine(rows(x), shared).map((r) => r.map(Math.tanh)),
      shared,
    );
    rows(net.forward(x))[0]!.forEach((v, j) => expect(v).toBeCloseTo(expected[0]![j]!, 12));
  });

  it('eval() and train() reach every layer, so dropout inside becomes the identity', () => {
    const drop = new Dropout(0.9, { generator: new Generator(6) });
    const net = new Sequential(new Linear(3, 3), new Sequential(drop));
    net.eval();
    expect([net.training, net.layers[0]!.training, net.layers[1]!.training, drop.training]).toEqual([false, false, false, false]);
    const x = randn([4, 3]);
    expect(Array.from(drop.forward(x).data)).toEqual(Array.from(x.data));
    net.train();
    expect(drop.training).toBe(true);
  });
});
