import { describe, expect, it } from 'vitest';
import { AnomalyError, LoomError, detectAnomaly, grad, log, mul, sqrt, sub, sum, tanh, tensor, timeStep, type Tensor } from '../index.js';
import { inspection } from '../graph/hooks.js';
import { userFrame } from './anomaly.js';

const f64 = { dtype: 'float64' } as const;

function caught(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnomalyError) return e;
    throw e;
  }
  throw new Error('expected an AnomalyError');
}

describe('detectAnomaly', () => {
  it('names the forward op that made the first NaN, the element, and the calling line of this file', () => {
    const x = tensor([3, 1], f64);
    const e = caught(() => detectAnomaly(() => sum(log(sub(x, 2)))));
    expect(e).toBeInstanceOf(LoomError);
    expect(e.details).toMatchObject({ phase: 'forward', op: 'log', step: null });
    expect(e.details!.value).toBeNaN();
    expect(e.message).toContain("forward op 'log' produced NaN at element 1 of [2]");
    expect(e.details!.site).toMatch(/anomaly\.test\.ts:\d+:\d+$/);
    expect(e.message).toContain(`called at ${e.details!.site}`);
  });

  it('names the op whose backward rule made an infinite gradient, and where that op was called', () => {
    const x = tensor([0, 4], f64);
    x.requiresGrad = true;
    const line = (): Tensor => sqrt(x); // d√x/dx = 1/(2√x) is +∞ at 0; the forward value 0 is fine
    const e = caught(() => detectAnomaly(() => sum(line()).backward()));
    expect(e.details).toMatchObject({ phase: 'backward', op: 'sqrt', value: Infinity });
    expect(e.message).toContain("the backward rule of 'sqrt' produced Infinity in the gradient of input 0, at element 0 of [2]");
    expect(e.details!.site).toMatch(/anomaly\.test\.ts/);
  });

  it('checks backward passes inside grad too, and says when the incoming gradient is already bad', () => {
    const x = tensor([1, 2], f64);
    const e = caught(() => detectAnomaly(() => grad((v: Tensor) => sum(mul(tanh(v), Infinity)))(x)));
    // tanh(v)·∞ is already infinite forward, so the forward check fires first, on mul
    expect(e.details).toMatchObject({ phase: 'forward', op: 'mul' });
    const w = tensor([1, 2], f64);
    w.requiresGrad = true;
    const seeded = caught(() => detectAnomaly(() => tanh(w).backward(tensor([NaN, 0], f64))));
    expect(seeded.details).toMatchObject({ phase: 'backward', op: 'tanh' });
    expect(seeded.message).toContain("the gradient flowing into the backward rule of 'tanh' is already NaN");
  });

  it('names the time step of a labelled loop in the message and the details', () => {
    const owner = {};
    const e = caught(() => detectAnomaly(() => [0, 1, 2].map((t) => timeStep(owner, 'Loop', t, () => log(tensor([t - 1], f64))))));
    expect(e.details!.step).toMatchObject({ owner, layer: 'Loop', t: 0 });
    expect(e.message).toMatch(/\(in Loop at time step 0\)$/);
  });

  it('costs nothing when off: NaNs pass silently and the flag is cleared even after a throw', () => {
    expect(inspection.active).toBe(false);
    expect(log(tensor([-1])).item()).toBeNaN();
    const limit = Error.stackTraceLimit;
    caught(() => detectAnomaly(() => log(tensor([-1]))));
    expect(inspection.active).toBe(false);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(detectAnomaly(() => sum(tensor([1, 2])).item())).toBe(3);
  });
});

describe('userFrame', () => {
  it("skips loom's own frames, Node's and node_modules', and keeps a test file inside a package", () => {
    const e = new Error('x');
    e.stack = [
      'Error: x',
      '    at applyPrimitive (/w/packages/core/src/define.ts:88:9)',
      '    at step (/w/node_modules/@loom/layers/dist/recurrent.js:1:2)',
      '    at node:internal/main:1:1',
      '    at run (file:///w/examples/dist/vanishing/main.js:12:3)',
    ].join('\n');
    expect(userFrame(e)).toBe('/w/examples/dist/vanishing/main.js:12:3');
    e.stack = 'Error: x\n    at /w/packages/layers/src/plot/curves.test.ts:5:1';
    expect(userFrame(e)).toBe('/w/packages/layers/src/plot/curves.test.ts:5:1');
    e.stack = 'Error: x\n    at f (/w/packages/core/src/define.ts:1:1)';
    expect(userFrame(e)).toBeNull();
  });
});
