import { describe, expect, it } from 'vitest';
import { createSolveKernel } from './solve.js';

describe('solve kernel', () => {
  it('solves a batch of systems, pivoting where the diagonal is 0, for both dtypes', () => {
    for (const Array_ of [Float32Array, Float64Array]) {
      const solve = createSolveKernel<InstanceType<typeof Array_>>();
      // [[0, 1], [1, 0]]·X = [[3, 1], [5, 2]], then [[2, 1], [1, 3]]·X = [[3, 0], [4, 5]].
      const a = new Array_([0, 1, 1, 0, 2, 1, 1, 3]);
      const b = new Array_([3, 1, 5, 2, 3, 0, 4, 5]);
      const out = new Array_(8);
      expect(solve(a, b, out, 2, 2, 2)).toBe(true);
      const expected = [5, 2, 3, 1, 1, -1, 1, 2];
      out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      expect(Array.from(a)).toEqual([0, 1, 1, 0, 2, 1, 1, 3]); // inputs untouched
    }
  });

  it('reports a singular system', () => {
    const solve = createSolveKernel<Float64Array>();
    expect(solve(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 1]), new Float64Array(2), 1, 2, 1)).toBe(false);
  });
});
