import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { alloc, allocUnset } from './memory.js';

// Sizes across the three paths: V8's heap (≤ 64 bytes), slab blocks, and arrays with their own buffer (> 64 KiB).
const sizes = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 17, max: 5000 }), fc.integer({ min: 16_000, max: 20_000 })),
  {
    minLength: 1,
    maxLength: 40,
  },
);

test.prop([sizes, fc.constantFrom('float32' as const, 'float64' as const)])(
  'alloc gives zeroed arrays of the asked length and dtype that never share elements',
  (lengths, dtype) => {
    const arrays = lengths.map((n) => alloc(dtype, n));
    arrays.forEach((a, i) => {
      expect(a.length).toBe(lengths[i]);
      expect(a).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      expect(a.every((v) => v === 0)).toBe(true);
      a.fill(i + 1);
    });
    // Had two views overlapped, the later fill would show through the earlier one.
    arrays.forEach((a, i) => expect(a.every((v) => v === i + 1)).toBe(true));
  },
);

test.prop([sizes, fc.constantFrom('float32' as const, 'float64' as const)])(
  'allocUnset gives arrays of the asked length and dtype that never share elements (contents unspecified)',
  (lengths, dtype) => {
    const arrays = lengths.map((n) => allocUnset(dtype, n));
    arrays.forEach((a, i) => {
      expect(a.length).toBe(lengths[i]);
      expect(a).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      a.fill(i + 1);
    });
    arrays.forEach((a, i) => expect(a.every((v) => v === i + 1)).toBe(true));
  },
);
