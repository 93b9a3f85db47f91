import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, mul, randn, square, sub, sum, tensor } from '@loom/core';
import { Parameter } from '../parameter.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const makers: [string, (ps: Parameter[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true, weightDecay: 0.01 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.5, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

const params = (seed: number) => [[3, 2], [5]].map((shape, k) => new Parameter(randn(shape, { generator: new Generator(seed + k) }))); // float32

/** A quadratic bowl Σ a²·(θ − c)² per parameter, minimum at c, with a different curvature per element. */
function bowl(ps: Parameter[]): { loss: () => number; train: (opt: Optimizer, steps: number) => void } {
  const draw = (seed: number) => ps.map((p) => randn(p.shape, { generator: new Generator(seed) }));
  const [a, c] = [draw(101), draw(102)];
  const terms = () => ps.map((p, k) => sum(mul(square(a[k]!), square(sub(p, c[k]!)))));
  return {
    loss: () => terms().reduce((acc, l) => acc + l.item(), 0),
    train: (opt, steps) => {
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        terms().forEach((l) => l.backward());
        opt.step();
      }
    },
  };
}

describe.each(makers)('%s', (_name, make) => {
  it('minimizes a quadratic bowl', () => {
    const ps = params(1);
    const { loss, train } = bowl(ps);
    const before = loss();
    train(make(ps), 300);
    expect(loss()).toBeLessThan(before * 1e-3);
  });

  it('continues bit-identically after a state round trip through JSON', () => {
    const [a, b] = [params(5), params(5)];
    const optA = make(a);
    bowl(a).train(optA, 4);
    const dict = JSON.parse(JSON.stringify(optA.stateDict()));
    b.forEach((p, k) => p.assign(a[k]!));
    const optB = make(b);
    optB.loadStateDict(dict);
    expect(optB.stateDict()).toEqual(optA.stateDict());
    bowl(a).train(optA, 3);
    bowl(b).train(optB, 3);
    b.forEach((p, k) => expect(Array.from(p.data)).toEqual(Array.from(a[k]!.data)));
  });
});

describe('Optimizer', () => {
  it('skips parameters without a gradient and does not count their steps', () => {
    const ps = params(2);
    const opt = new Adam(ps, { lr: 0.1 });
    const frozen = Array.from(ps[1]!.data);
    ps[0]!.grad = tensor(
      Array.from({ length: 6 }, () => 1),
      { shape: [3, 2] },
    );
    opt.step();
    expect(Array.from(ps[1]!.data)).toEqual(frozen);
    expect(opt.stateDict().params[0]!.step).toBe(1);
    expect(opt.stateDict().params[1]).toBeNull();
    opt.zeroGrad();
    expect(ps.every((p) => p.grad === null)).toBe(true);
  });

  it('has a settable lr, checked like every option', () => {
    const opt = new SGD(params(3), { lr: 0.1 });
    opt.lr = 0.01;
    expect(opt.stateDict().lr).toBe(0.01);
    expect(() => (opt.lr = -1)).toThrow('SGD: lr must be a finite number ≥ 0, got -1');
    expect(() => new Adam(params(3), { betas: [1, 0.9] })).toThrow('Adam: betas[0] must be a finite number in [0, 1), got 1');
    expect(() => new AdamW(params(3), { eps: NaN })).toThrow('AdamW: eps');
    expect(() => new SGD(params(3), { nesterov: true })).toThrow(ValueError);
    expect(() => new RMSprop(params(3), { alpha: -0.1 })).toThrow('RMSprop: alpha');
  });

  it('rejects duplicate parameters, plain tensors and state that does not fit', () => {
    const ps = params(4);
    expect(() => new SGD([ps[0]!, ps[1]!, ps[0]!])).toThrow('SGD: parameter 2 is listed twice (first at 0)');
    expect(() => new SGD([randn([2])] as unknown as Parameter[])).toThrow('SGD: parameter 0 is not a Parameter');
    const opt = new Adam(ps);
    ps.forEach((p) => (p.grad = mul(p, 1)));
    opt.step();
    const dict = opt.stateDict();
    expect(() => new Adam([ps[0]!]).loadStateDict(dict)).toThrow('Adam.loadStateDict: the state has 2 parameters, this optimizer 1');
    expect(() => new Adam([ps[1]!, ps[0]!]).loadStateDict(dict)).toThrow(ShapeError);
  });
});
