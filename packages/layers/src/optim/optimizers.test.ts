import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@loom/core';
import { Parameter } from '../parameter.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

// Independent plain-JS versions of the algorithms as PyTorch documents them (torch.optim.*), in float64.
// Each takes θ, g, the parameter's step t and its state object, and returns the new θ.
type Vec = number[];
type Reference = (theta: Vec, g: Vec, t: number, s: Record<string, Vec>) => Vec;
const axpy = (a: number, x: Vec, y: Vec) => y.map((v, i) => a * x[i]! + v); // a·x + y
const scale = (a: number, x: Vec) => x.map((v) => a * v);
const ema = (beta: number, avg: Vec | undefined, x: Vec) => x.map((v, i) => beta * (avg?.[i] ?? 0) + (1 - beta) * v);

const sgd =
  ({ lr = 1e-3, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }): Reference =>
  (theta, g0, _t, s) => {
    let g = axpy(weightDecay, theta, g0);
    if (momentum !== 0) {
      s.b = s.b === undefined ? g : axpy(1 - dampening, g, scale(momentum, s.b));
      g = nesterov ? axpy(momentum, s.b, g) : s.b;
    }
    return axpy(-lr, g, theta);
  };

const adam =
  ({ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, decoupled = false }): Reference =>
  (theta0, g0, t, s) => {
    const theta = decoupled ? scale(1 - lr * weightDecay, theta0) : theta0;
    const g = decoupled ? g0 : axpy(weightDecay, theta0, g0);
    s.m = ema(betas[0]!, s.m, g);
    s.v = ema(
      betas[1]!,
      s.v,
      g.map((x) => x * x),
    );
    s.vmax = s.v.map((x, i) => Math.max(x, s.vmax?.[i] ?? 0));
    const vUsed = amsgrad ? s.vmax : s.v;
    return theta.map((x, i) => {
      const mHat = s.m![i]! / (1 - betas[0]! ** t);
      const vHat = vUsed[i]! / (1 - betas[1]! ** t);
      return x - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  };

const rmsprop =
  ({ lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false }): Reference =>
  (theta, g0, _t, s) => {
    const g = axpy(weightDecay, theta, g0);
    s.v = ema(
      alpha,
      s.v,
      g.map((x) => x * x),
    );
    let vt = s.v;
    if (centered) {
      s.gAvg = ema(alpha, s.gAvg, g);
      vt = s.v.map((x, i) => x - s.gAvg![i]! ** 2);
    }
    const step = g.map((x, i) => x / (Math.sqrt(vt[i]!) + eps));
    if (momentum > 0) {
      s.b = axpy(momentum, s.b ?? g.map(() => 0), step);
      return axpy(-lr, s.b, theta);
    }
    return axpy(-lr, step, theta);
  };

const adagrad =
  ({ lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 }): Reference =>
  (theta, g0, t, s) => {
    const clr = lr / (1 + (t - 1) * lrDecay);
    const g = axpy(weightDecay, theta, g0);
    s.sum = g.map((x, i) => (s.sum?.[i] ?? initialAccumulatorValue) + x * x);
    return theta.map((x, i) => x - (clr * g[i]!) / (Math.sqrt(s.sum![i]!) + eps));
  };

/** Gradients that depend on θ and shrink over time (so AMSGrad's maximum matters); parameter 1 has none at step 3. */
function gradFor(theta: Vec, p: number, step: number): Vec | null {
  if (p === 1 && step === 3) return null;
  return theta.map((x, i) => ((x - Math.sin(i + p)) * 3) / step + 0.1 * Math.cos(7 * i + step));
}

function compare(make: (ps: Parameter[]) => Optimizer, ref: Reference, steps = 6): void {
  const params = [[2, 3], [4]].map((shape, k) => new Parameter(randn(shape, { dtype: 'float64', generator: new Generator(k + 1) })));
  const opt = make(params);
  const refTheta = params.map((p) => Array.from(p.data));
  const refState = params.map(() => ({}) as Record<string, Vec>);
  const refStep = params.map(() => 0);
  for (let step = 1; step <= steps; step++) {
    params.forEach((p, k) => {
      const g = gradFor(Array.from(p.data), k, step);
      p.grad = g === null ? null : tensor(g, { shape: p.shape, dtype: 'float64' });
      const gRef = gradFor(refTheta[k]!, k, step);
      if (gRef !== null) refTheta[k] = ref(refTheta[k]!, gRef, ++refStep[k]!, refState[k]!);
    });
    opt.step();
    params.forEach((p, k) =>
      p.data.forEach((v, i) => expect(Math.abs(v - refTheta[k]![i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(refTheta[k]![i]!)))),
    );
  }
}

describe('optimizers match plain-JS versions of PyTorch’s documented algorithms', () => {
  const cases: [string, (ps: Parameter[]) => Optimizer, Reference][] = [
    ['SGD', (ps) => new SGD(ps, { lr: 0.1 }), sgd({ lr: 0.1 })],
    [
      'SGD momentum',
      (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0.05 }),
      sgd({ lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0.05 }),
    ],
    [
      'SGD Nesterov',
      (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
      sgd({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 }),
    ],
    ['Adam', (ps) => new Adam(ps, { lr: 0.1, betas: [0.8, 0.9], eps: 1e-3 }), adam({ lr: 0.1, betas: [0.8, 0.9], eps: 1e-3 })],
    [
      'Adam L2 AMSGrad',
      (ps) => new Adam(ps, { lr: 0.1, weightDecay: 0.1, amsgrad: true }),
      adam({ lr: 0.1, weightDecay: 0.1, amsgrad: true }),
    ],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.1 }), adam({ lr: 0.1, weightDecay: 1e-2, decoupled: true })],
    [
      'AdamW AMSGrad',
      (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.2, amsgrad: true, betas: [0.5, 0.7] }),
      adam({ lr: 0.1, weightDecay: 0.2, amsgrad: true, betas: [0.5, 0.7], decoupled: true }),
    ],
    ['RMSprop', (ps) => new RMSprop(ps), rmsprop({})],
    [
      'RMSprop centered momentum',
      (ps) => new RMSprop(ps, { lr: 0.05, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1, eps: 1e-4 }),
      rmsprop({ lr: 0.05, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1, eps: 1e-4 }),
    ],
    ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1 }), adagrad({ lr: 0.1 })],
    [
      'Adagrad all options',
      (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-3 }),
      adagrad({ lr: 0.1, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-3 }),
    ],
  ];
  it.each(cases)('%s', (_name, make, ref) => compare(make, ref));
});
