import { describe, expect, it } from 'vitest';
import { ValueError, zeros } from '@loom/core';
import { Parameter } from '../parameter.js';
import type { LRScheduler } from './lr-scheduler.js';
import { CosineAnnealingLR, ExponentialLR, StepLR } from './schedules.js';
import { SGD } from './sgd.js';

const sgd = (lr: number) => new SGD([new Parameter(zeros([2]))], { lr });

describe('learning-rate schedules follow their closed forms', () => {
  const cases: [string, (opt: SGD) => LRScheduler, (e: number) => number][] = [
    ['StepLR', (opt) => new StepLR(opt, { stepSize: 3, gamma: 0.5 }), (e) => 0.2 * 0.5 ** Math.floor(e / 3)],
    ['ExponentialLR', (opt) => new ExponentialLR(opt, { gamma: 0.9 }), (e) => 0.2 * 0.9 ** e],
    [
      'CosineAnnealingLR',
      (opt) => new CosineAnnealingLR(opt, { tMax: 10, etaMin: 0.01 }),
      (e) => 0.01 + (0.19 * (1 + Math.cos((Math.PI * e) / 10))) / 2,
    ],
  ];

  it.each(cases)('%s, and restores its state', (_name, make, closed) => {
    const opt = sgd(0.2);
    const schedule = make(opt);
    expect(opt.lr).toBe(0.2);
    for (let e = 1; e <= 25; e++) {
      schedule.step();
      expect(schedule.lastEpoch).toBe(e);
      expect(opt.lr).toBeCloseTo(closed(e), 14);
    }
    const restoredOpt = sgd(0.7);
    const restored = make(restoredOpt);
    restored.loadStateDict(JSON.parse(JSON.stringify(schedule.stateDict())));
    expect(restoredOpt.lr).toBe(opt.lr);
    schedule.step();
    restored.step();
    expect(restoredOpt.lr).toBe(opt.lr);
  });

  it('reaches etaMin at tMax and checks its options', () => {
    const opt = sgd(1);
    const cosine = new CosineAnnealingLR(opt, { tMax: 4 });
    for (let e = 0; e < 4; e++) cosine.step();
    expect(opt.lr).toBeCloseTo(0, 15);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow('StepLR: stepSize must be a whole number ≥ 1, got 0');
    expect(() => new ExponentialLR(opt, { gamma: -1 })).toThrow(ValueError);
    expect(() => cosine.loadStateDict({ lastEpoch: 1.5, baseLr: 1 })).toThrow('lastEpoch must be a whole number');
  });
});
