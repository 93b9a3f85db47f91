import { describe, expect, it } from 'vitest';
import { Generator, ValueError, randn, tensor, type Tensor } from '@loom/core';
import { Parameter } from './parameter.js';
import { clipGradNorm, clipGradValue } from './clip.js';

function withGrads(grads: (Tensor | null)[]): Parameter[] {
  return grads.map((g, k) => {
    const p = new Parameter(randn(g?.shape ?? [2], { dtype: 'float64', generator: new Generator(k) }));
    p.grad = g;
    return p;
  });
}
const f64 = (values: number[]) => tensor(values, { dtype: 'float64' });
const grads = () => [f64([3, -4, 1]), null, f64([-2, 0.5])];
const flat = (ps: Parameter[]) => ps.flatMap((p) => (p.grad === null ? [] : Array.from(p.grad.data)));

describe('clipGradNorm', () => {
  const all = [3, -4, 1, -2, 0.5];
  const pNorm = (p: number) => all.reduce((s, g) => s + Math.abs(g) ** p, 0) ** (1 / p);

  it.each([
    [2, pNorm(2)],
    [1, pNorm(1)],
    [3, pNorm(3)],
    [Infinity, 4],
  ])('returns the total norm of order %s over every gradient, and scales them down to maxNorm', (normType, total) => {
    const ps = withGrads(grads());
    expect(clipGradNorm(ps, 1, { normType })).toBeCloseTo(total, 12);
    const coef = 1 / (total + 1e-6);
    flat(ps).forEach((g, i) => expect(g).toBeCloseTo(all[i]! * coef, 14));
    expect(ps[1]!.grad).toBeNull();
  });

  it('leaves gradients under maxNorm untouched', () => {
    const ps = withGrads(grads());
    const before = ps.map((p) => p.grad);
    expect(clipGradNorm(ps, 10)).toBeCloseTo(pNorm(2), 12);
    ps.forEach((p, k) => expect(p.grad).toBe(before[k]));
  });

  it('throws a ValueError naming the norm for a NaN or infinite gradient when asked to', () => {
    const ps = withGrads([f64([1, NaN]), f64([2])]);
    expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm: the total norm of order 2 of the gradients is NaN',
    );
    expect(() => clipGradNorm(withGrads([f64([Infinity])]), 1, { errorIfNonfinite: true, normType: Infinity })).toThrow(
      'total norm of order Infinity of the gradients is Infinity',
    );
    // Without the flag PyTorch scales by NaN: every gradient becomes NaN.
    expect(clipGradNorm(ps, 1)).toBeNaN();
    expect(flat(ps).every(Number.isNaN)).toBe(true);
  });

  it('returns 0 without gradients and checks its arguments', () => {
    expect(clipGradNorm(withGrads([null]), 1)).toBe(0);
    expect(() => clipGradNorm([], 1, { normType: 0 })).toThrow('clipGradNorm: normType must be > 0');
    expect(() => clipGradNorm([], -1)).toThrow(ValueError);
  });
});

describe('clipGradValue', () => {
  it('clamps every gradient element to [−clip, clip]', () => {
    const ps = withGrads(grads());
    clipGradValue(ps, 1.5);
    expect(flat(ps)).toEqual([1.5, -1.5, 1, -1.5, 0.5]);
    expect(ps[1]!.grad).toBeNull();
    expect(() => clipGradValue(ps, -1)).toThrow('clipGradValue: clip must be ≥ 0, got -1');
  });
});
