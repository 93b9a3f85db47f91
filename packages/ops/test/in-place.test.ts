// add, sub and mul may write into their first operand when it has the output's shape (the kernel contract), which
// `linear` relies on to add its bias in place. Checked through kernelsFor, so both sides of the native thresholds
// (and the JS kernels alone under LOOM_NO_NATIVE=1) are covered, for a same-shape operand and a repeated row.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { kernelsFor } from '../src/index.js';
import { DTYPES } from './support/dtypes.js';
import { fillWide } from './support/values.js';

const shapes = fc.tuple(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }), fc.boolean());

for (const dt of DTYPES) {
  for (const name of ['add', 'sub', 'mul'] as const) {
    test.prop([shapes, fc.integer()], { numRuns: 40 })(
      `${dt.name} ${name}: out === a gives the out-of-place result`,
      ([rows, cols, row], s) => {
        const k = kernelsFor(dt.name as 'float32');
        const shape = [rows, cols];
        const bShape = row ? [cols] : shape;
        const a = fillWide(dt.alloc(rows * cols), s) as Float32Array;
        const b = fillWide(dt.alloc(row ? cols : rows * cols), s + 1) as Float32Array;
        const want = dt.alloc(a.length) as Float32Array;
        k[name](a, shape, b, bShape, want, shape);
        k[name](a, shape, b, bShape, a, shape);
        expect(Array.from(a)).toEqual(Array.from(want));
      },
    );
  }
}
