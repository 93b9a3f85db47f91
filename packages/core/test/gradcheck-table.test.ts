import * as core from '@loom/core';
import { cast, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck } from '@loom/core/testing';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { instance, ops, pickFrom } from './_table.js';

// The one property test over every op: order 1 and (where claimed) order 2 against float64 finite differences.
describe('gradient-check table', () => {
  for (const [name, op] of ops) {
    test.prop([fc.gen()])(`${name}: gradients match finite differences to order ${op.check.order}`, (g) => {
      const { inputs, call } = instance(op, op.check, pickFrom(g));
      const tolerances = { atol: op.check.atol ?? 1e-5, rtol: op.check.rtol ?? 1e-3, eps: op.check.eps ?? 1e-6 };
      expect(gradcheck(call, inputs, tolerances)).toBe(true);
      if (op.check.order === 2) expect(gradgradcheck(call, inputs, tolerances)).toBe(true);
    });
  }
});

describe('float32 agrees with float64', () => {
  const close = (a: Tensor, b: Tensor) => {
    expect(a.shape).toEqual(b.shape);
    a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(b.data[i]!))));
  };
  for (const [name, op] of ops) {
    test.prop([fc.gen()])(`${name}: float32 value and gradient within 2e-3 of float64`, (g) => {
      const { inputs, call } = instance(op, op.check, pickFrom(g));
      const flat = (...xs: Tensor[]) => {
        const out = call(...xs);
        return core.concat((Array.isArray(out) ? out : [out]).map((o) => core.reshape(o, [o.size])));
      };
      const [y64, back64] = core.vjp(flat, ...inputs);
      const [y32, back32] = core.vjp(flat, ...inputs.map((x) => cast(x, 'float32')));
      close(cast(y32, 'float64'), y64);
      const g64 = back64(core.onesLike(y64));
      back32(core.onesLike(y32)).forEach((gx, i) => close(cast(gx, 'float64'), g64[i]!));
    });
  }
});

// Every exported function is either an op with a check row, or on this list of non-op API.
const notOps = new Set([
  'tensor',
  'zeros',
  'ones',
  'full',
  'zerosLike',
  'onesLike',
  'arange',
  'eye',
  'rand',
  'randn',
  'randint',
  'seed',
  'noGrad',
  'stopGradient',
  'grad',
  'valueAndGrad',
  'vjp',
  'jvp',
  'jacobian',
  'hessian',
  'customGrad',
  'definePrimitive',
  'defineComposite',
  'detectAnomaly',
  'timeStep',
  'currentTimeStep',
  'withStepTap',
  'recordGraph',
  'toDot',
]);
const classes = new Set([
  'Tensor',
  'Generator',
  'Placement',
  'ProductGradient',
  'LoomError',
  'ShapeError',
  'DTypeError',
  'ValueError',
  'GradError',
  'AnomalyError',
]);

describe('check-table guard', () => {
  it('every exported op has a check row, named as it is exported', () => {
    const missing = Object.entries(core).filter(
      ([k, v]) => typeof v === 'function' && !notOps.has(k) && !classes.has(k) && !('check' in v),
    );
    expect(missing.map(([k]) => k)).toEqual([]);
    for (const [name, op] of ops) expect(op.opName).toBe(name);
  });

  it('the list of non-ops names only real exports', () => {
    for (const k of [...notOps, ...classes]) expect(core).toHaveProperty(k);
  });

  it('covers primitives and composites in the expected number', () => {
    expect(ops.length).toBeGreaterThanOrEqual(50);
  });
});
