import { Generator, ShapeError, ValueError, add, eye, matmul, mul, randn, solve, tensor } from '@loom/core';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

describe('solve', () => {
  it('solves a diagonal system', () => {
    expect(
      Array.from(
        solve(
          tensor([
            [2, 0],
            [0, 4],
          ]),
          tensor([[2], [8]]),
        ).data,
      ),
    ).toEqual([1, 2]);
  });

  it('pivots past a zero on the diagonal', () => {
    const y = solve(
      tensor(
        [
          [0, 1],
          [1, 0],
        ],
        f64,
      ),
      tensor([[3], [5]], f64),
    );
    expect(Array.from(y.data)).toEqual([5, 3]);
  });

  it('satisfies A·Y = B for a batch of random well-conditioned systems', () => {
    const g = new Generator(7);
    const a = add(randn([3, 5, 5], { ...f64, generator: g }), mul(eye(5, 5, f64), 6));
    const b = randn([3, 5, 2], { ...f64, generator: g });
    const residual = add(matmul(a, solve(a, b)), mul(b, -1));
    residual.data.forEach((r) => expect(Math.abs(r)).toBeLessThan(1e-12));
  });

  it('keeps float32 inputs in float32', () => {
    expect(solve(eye(3), tensor([[1], [2], [3]])).dtype).toBe('float32');
  });

  it('rejects a singular matrix', () => {
    expect(() =>
      solve(
        tensor([
          [1, 2],
          [2, 4],
        ]),
        tensor([[1], [1]]),
      ),
    ).toThrow(ValueError);
    expect(() =>
      solve(
        tensor([
          [1, 2],
          [2, 4],
        ]),
        tensor([[1], [1]]),
      ),
    ).toThrow(/solve: a \[2,2\] is singular/);
  });

  it('names the shapes of a non-square a or a mismatched b', () => {
    expect(() => solve(tensor([[1, 2, 3]]), tensor([[1]]))).toThrow(ShapeError);
    expect(() => solve(tensor([[1, 2, 3]]), tensor([[1]]))).toThrow(/a must be \[\.\.\., n, n\] \(square\), got \[1,3\]/);
    expect(() => solve(eye(2), tensor([[1], [2], [3]]))).toThrow(/b must be \[\.\.\., 2, k\] .* got \[3,1\]/);
    expect(() => solve(eye(2), tensor([1, 2]))).toThrow(ShapeError);
  });
});
