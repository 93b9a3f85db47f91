import { expect } from 'vitest';

/** Equal as numbers, with NaN equal to NaN (and +0 equal to −0). */
export function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * Asserts `got[i]` matches `want[i]` for every i: exactly (NaN-aware) when no tolerance is given, otherwise
 * within `tolerance(i)` in absolute terms. Reports the first mismatch with its index and `describe(i)`.
 */
export function expectMatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance?: (i: number) => number,
  describe: (i: number) => string = () => '',
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = same(g, w) || (tolerance !== undefined && Math.abs(g - w) <= tolerance(i));
    if (!ok) expect.fail(`element ${i}: got ${g}, want ${w} ${describe(i)}`);
  }
}
