import { fc, test } from '@fast-check/vitest';
import { describe } from 'vitest';
import { seedArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray } from '../kernels.js';
import { createActivationGradKernels } from './activation-grad.js';

// The references spell out the three-op backward that each kernel replaces; float64 arithmetic rounded once.
const reference = {
  sigmoidGrad: (gy: number, y: number) => gy * (y * (1 - y)),
  tanhGrad: (gy: number, y: number) => gy * (1 - y * y),
};

describe.each(DTYPES)('activation backward kernels, $name', (dt) => {
  const k = createActivationGradKernels<FloatArray>();
  describe.each(Object.keys(reference) as (keyof typeof reference)[])('%s', (name) => {
    test.prop([fc.integer({ min: 0, max: 40 }), seedArb], { numRuns: 40 })('matches gy and y elementwise', (n, seed) => {
      const gy = randomBuffer(dt.alloc, n, seed, true);
      const y = randomBuffer(dt.alloc, n, seed + 1, true);
      const out = dt.alloc(n).fill(Number.NaN);
      k[name](gy, y, out);
      const want = Array.from(gy, (g, i) => reference[name](g, y[i]!));
      expectMatch(out, want, (i) => 4 * dt.eps * Math.abs(want[i]!) + 4 * dt.eps * Math.abs(gy[i]!) + dt.tiny);
    });
  });
});
