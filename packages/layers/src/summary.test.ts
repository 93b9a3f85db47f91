import { describe, expect, it } from 'vitest';
import { Generator, mul, randn, tanh, tensor, type Tensor } from '@loom/core';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { Activation, Sequential } from './sequential.js';
import { summary } from './summary.js';

const gen = (s: number) => ({ generator: new Generator(s) });

/** The table's body rows as [layer, shape, params] cells, and the footer lines. */
function parse(table: string): { rows: string[][]; footer: string[] } {
  const lines = table.split('\n');
  const rules = lines.flatMap((l, i) => (/^=+$/.test(l) ? [i] : []));
  expect(rules.length).toBe(2);
  const rows = lines.slice(rules[0]! + 1, rules[1]!).map((l) => l.split(/ {2,}/).map((c) => c.trim()));
  return { rows, footer: lines.slice(rules[1]! + 1) };
}
const en = (n: number) => n.toLocaleString('en-US');

describe('summary', () => {
  const mlp = () => new Sequential(new Linear(40, 30, gen(1)), new Activation(tanh), new Linear(30, 2, gen(2)));

  it('lists every layer path with its class, output shape and parameter count, and totals', () => {
    const net = mlp();
    const { rows, footer } = parse(net.summary(() => net.forward(randn([5, 40]))));
    expect(rows).toEqual([
      ['Sequential', '[5, 2]', en(40 * 30 + 30 + 30 * 2 + 2)],
      ['layers.0 (Linear)', '[5, 30]', en(40 * 30 + 30)],
      ['layers.1 (Activation)', '[5, 30]', '0'],
      ['layers.2 (Linear)', '[5, 2]', en(30 * 2 + 2)],
    ]);
    expect(footer).toEqual([`Total params: ${en(1292)}`, `Trainable params: ${en(1292)}`, 'Non-trainable params: 0']);
    expect(net.parameterCount()).toBe(1292);
  });

  it('the header names the columns; the free function gives the same table as the method', () => {
    const net = mlp();
    const table = summary(net, () => net.forward(randn([1, 40])));
    expect(table.split('\n')[0]).toMatch(/^Layer \(type\)\s+Output shape\s+Params$/);
    expect(table).toBe(net.summary(() => net.forward(randn([1, 40]))));
  });

  it('shows "-" for output shapes without a forward pass', () => {
    const { rows } = parse(mlp().summary());
    expect(rows.map((r) => r[1])).toEqual(['-', '-', '-', '-']);
  });

  it('marks a layer run n times with one shape as ×n, and with varying shapes as multiple', () => {
    class Twice extends Module {
      same = new Linear(3, 3, gen(3));
      varied = new Activation(tanh);
      unused = new Linear(3, 1, gen(4));
      forward(x: Tensor) {
        this.varied.forward(randn([7]));
        return this.varied.forward(this.same.forward(this.same.forward(x)));
      }
    }
    const m = new Twice();
    const { rows } = parse(m.summary(() => m.forward(randn([2, 3]))));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['Twice', '[2, 3]'],
      ['same (Linear)', '[2, 3] ×2'],
      ['varied (Activation)', 'multiple'],
      ['unused (Linear)', '-'],
    ]);
  });

  it('counts shared parameters once in the total, which equals parameterCount()', () => {
    const shared = new Linear(10, 10, gen(5));
    class Tied extends Module {
      a = shared;
      blocks = new Map<string, Module>([['b', new Sequential(shared, new Linear(10, 100, gen(6)))]]);
      scale = new Parameter(tensor([1, 2, 3]));
    }
    const m = new Tied();
    const expectedTotal = 110 + (10 * 100 + 100) + 3;
    expect(m.parameterCount()).toBe(expectedTotal);
    const { rows, footer } = parse(m.summary());
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      ['Tied', en(expectedTotal)],
      ['a (Linear)', '110'],
      ['blocks.b (Sequential)', en(110 + 1100)],
      ['blocks.b.layers.1 (Linear)', en(1100)],
    ]);
    expect(footer[0]).toBe(`Total params: ${en(expectedTotal)}`);
  });

  it('reports parameters that do not require gradients as non-trainable', () => {
    const net = mlp();
    (net.layers[2] as Linear).weight.requiresGrad = false;
    const { footer } = parse(net.summary());
    expect(footer).toEqual([`Total params: ${en(1292)}`, `Trainable params: ${en(1292 - 60)}`, 'Non-trainable params: 60']);
  });

  it('runs the forward pass under noGrad, and unwraps forward afterwards (parameters and children unchanged)', () => {
    const net = mlp();
    const names = net.namedParameters().map(([n]) => n);
    let out: Tensor | null = null;
    net.summary(() => (out = net.forward(randn([2, 40]))));
    expect(out!.requiresGrad).toBe(false);
    for (const layer of [net, ...net.layers]) expect(Object.prototype.hasOwnProperty.call(layer, 'forward')).toBe(false);
    expect(net.namedParameters().map(([n]) => n)).toEqual(names);
    expect(net.forward(randn([2, 40])).requiresGrad).toBe(true);
  });

  it('unwraps forward even when the run throws, and rethrows', () => {
    const net = mlp();
    expect(() => net.summary(() => net.forward(randn([2, 41])))).toThrow(/Linear/);
    for (const layer of [net, ...net.layers]) expect(Object.prototype.hasOwnProperty.call(layer, 'forward')).toBe(false);
    const { rows } = parse(net.summary(() => net.forward(randn([1, 40]))));
    expect(rows[1]![1]).toBe('[1, 30]'); // no records left over from the failed run
  });

  it('keeps a forward assigned on the instance', () => {
    const a = new Activation(tanh);
    const own = (x: Tensor) => mul(x, 2);
    (a as unknown as { forward: (x: Tensor) => Tensor }).forward = own;
    a.summary(() => a.forward(tensor([1])));
    expect(a.forward).toBe(own);
  });

  it('terminates on a module whose child points back to it', () => {
    class Child extends Module {
      w = new Parameter(tensor([1, 2]));
      parent: Module | null = null;
    }
    class Parent extends Module {
      child = new Child();
      constructor() {
        super();
        this.child.parent = this;
      }
    }
    const { rows, footer } = parse(new Parent().summary());
    expect(rows.map((r) => r[0])).toEqual(['Parent', 'child (Child)']);
    expect(footer[0]).toBe('Total params: 2');
  });
});
