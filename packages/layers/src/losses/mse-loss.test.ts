import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, ShapeError, ValueError, randn, tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { mseLoss } from './mse-loss.js';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) });

describe('mseLoss', () => {
  it('matches the plain formula for each reduction', () => {
    const [p, t] = [f64([3, 4], 1), f64([3, 4], 2)];
    const sq = Array.from(p.data, (v, i) => (v - t.data[i]!) ** 2);
    const total = sq.reduce((a, b) => a + b, 0);
    expect(mseLoss(p, t).item()).toBeCloseTo(total / 12, 12);
    expect(mseLoss(p, t, { reduction: 'sum' }).item()).toBeCloseTo(total, 12);
    const none = mseLoss(p, t, { reduction: 'none' });
    expect(none.shape).toEqual([3, 4]);
    Array.from(none.data).forEach((v, i) => expect(v).toBeCloseTo(sq[i]!, 12));
  });

  it('gradchecks in both arguments, to second order', () => {
    const inputs = [f64([2, 3], 3), f64([2, 3], 4)];
    expect(gradcheck((p, t) => mseLoss(p!, t!), inputs)).toBe(true);
    expect(gradcheck((p, t) => mseLoss(p!, t!, { reduction: 'none' }), inputs)).toBe(true);
    expect(gradgradcheck((p, t) => mseLoss(p!, t!, { reduction: 'sum' }), inputs)).toBe(true);
  });

  it('rejects mismatched shapes, dtypes and reductions with messages naming both', () => {
    expect(() => mseLoss(f64([3], 0), f64([3, 1], 0))).toThrow(ShapeError);
    expect(() => mseLoss(f64([3], 0), f64([3, 1], 0))).toThrow('mseLoss: pred [3] and target [3,1] must have the same shape');
    expect(() => mseLoss(tensor([1, 2]), f64([2], 0))).toThrow(DTypeError);
    expect(() => mseLoss(f64([2], 0), f64([2], 0), { reduction: 'avg' as never })).toThrow(ValueError);
  });
});
