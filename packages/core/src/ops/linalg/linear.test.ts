import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { add, linear, matmul, randn, reshape, seed } from '../../index.js';

// linear is matmul then add, with the add done in place: the same IEEE operations in the same order, so the two
// must agree bit for bit, including an empty inner axis (a product of zeros) and biases broadcast from any axis.
const shapes = fc.record({
  lead: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  inF: fc.integer({ min: 0, max: 70 }),
  outF: fc.integer({ min: 1, max: 70 }),
  bias: fc.constantFrom('none', 'row', 'full', 'ones'),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test.prop([shapes], { numRuns: 60 })(
  'equals add(matmul(x, w, { transposeB: true }), bias) bit for bit',
  ({ lead, inF, outF, bias, seed: s }) => {
    seed(s);
    const x = randn([...lead, inF]);
    const w = randn([outF, inF]);
    const biasShape = { none: null, row: [outF], full: [...lead, outF], ones: [...lead.map(() => 1), outF] }[bias];
    const b = biasShape === null ? null : randn(biasShape);
    const product = matmul(x, w, { transposeB: true });
    const want = b === null ? product : add(product, b);
    const got = linear(x, w, b);
    expect(got.shape).toEqual([...lead, outF]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  },
);

test('maps a vector (rank 1) like a one-row matrix', () => {
  seed(1);
  const [x, w, b] = [randn([5]), randn([3, 5]), randn([3])];
  const got = linear(x, w, b);
  expect(got.shape).toEqual([3]);
  expect(Array.from(got.data)).toEqual(Array.from(linear(reshape(x, [1, 5]), w, b).data));
});
