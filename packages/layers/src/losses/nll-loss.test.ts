import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, randn } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { nllLoss } from './nll-loss.js';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', generator: new Generator(seed) });

describe('nllLoss', () => {
  const lp = f64([4, 3], 1);
  const t = [2, -100, 0, 1];
  const picked = t.map((c, n) => (c < 0 ? 0 : -lp.data[n * 3 + c]!));

  it('picks −logProbs at the targets, ignoring ignoreIndex in the mean', () => {
    expect(Array.from(nllLoss(lp, t, { reduction: 'none' }).data)).toEqual(picked);
    expect(nllLoss(lp, t, { reduction: 'sum' }).item()).toBeCloseTo(picked[0]! + picked[2]! + picked[3]!, 12);
    expect(nllLoss(lp, t).item()).toBeCloseTo((picked[0]! + picked[2]! + picked[3]!) / 3, 12);
  });

  it('gradchecks to second order', () => {
    expect(gradcheck((x) => nllLoss(x!, t), [lp])).toBe(true);
    expect(gradgradcheck((x) => nllLoss(x!, t, { reduction: 'none' }), [lp])).toBe(true);
  });

  it('names itself in errors', () => {
    expect(() => nllLoss(lp, [0, 1])).toThrow(ShapeError);
    expect(() => nllLoss(lp, [0, 1])).toThrow('nllLoss: target [2] does not fit input [4,3]');
    expect(() => nllLoss(lp, [0, 1, 2, 3])).toThrow(ValueError);
    expect(() => nllLoss(lp, [0, 1, 2, -1])).toThrow('nllLoss: class index -1 at target position 3 is out of range for 3 classes');
  });
});
