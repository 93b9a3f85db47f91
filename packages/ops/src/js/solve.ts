import type { FloatArray, Kernels } from '../kernels.js';

/**
 * Builds `solve`: A·X = B for a batch of square systems by LU factorization with partial pivoting (Doolittle,
 * row swaps recorded as they happen). Each system is factored in a float64 scratch copy whatever the dtype, so a
 * float32 solve loses no more than the final rounding; the inputs are never modified.
 */
export function createSolveKernel<F extends FloatArray>(): Kernels<F>['solve'] {
  return (a, b, out, batch, n, k) => {
    const lu = new Float64Array(n * n);
    const x = new Float64Array(n * k);
    for (let s = 0; s < batch; s++) {
      const aOff = s * n * n;
      const bOff = s * n * k;
      for (let i = 0; i < n * n; i++) lu[i] = a[aOff + i]!;
      for (let i = 0; i < n * k; i++) x[i] = b[bOff + i]!;
      for (let col = 0; col < n; col++) {
        // The largest pivot in the column keeps the multipliers ≤ 1, which bounds the growth of rounding errors.
        let pivot = col;
        for (let r = col + 1; r < n; r++) if (Math.abs(lu[r * n + col]!) > Math.abs(lu[pivot * n + col]!)) pivot = r;
        const p = lu[pivot * n + col]!;
        if (p === 0 || !Number.isFinite(p)) return false;
        if (pivot !== col) {
          swapRows(lu, n, pivot, col);
          swapRows(x, k, pivot, col);
        }
        for (let r = col + 1; r < n; r++) {
          const f = lu[r * n + col]! / p;
          if (f === 0) continue;
          for (let c = col + 1; c < n; c++) lu[r * n + c]! -= f * lu[col * n + c]!;
          for (let c = 0; c < k; c++) x[r * k + c]! -= f * x[col * k + c]!;
        }
      }
      // Back substitution with the upper triangle; the forward pass above already applied L⁻¹ to the right side.
      for (let r = n - 1; r >= 0; r--) {
        for (let c = r + 1; c < n; c++) {
          const u = lu[r * n + c]!;
          for (let j = 0; j < k; j++) x[r * k + j]! -= u * x[c * k + j]!;
        }
        const d = lu[r * n + r]!;
        for (let j = 0; j < k; j++) x[r * k + j]! /= d;
      }
      for (let i = 0; i < n * k; i++) out[bOff + i] = x[i]!;
    }
    return true;
  };
}

function swapRows(m: Float64Array, width: number, r1: number, r2: number): void {
  for (let c = 0; c < width; c++) {
    const t = m[r1 * width + c]!;
    m[r1 * width + c] = m[r2 * width + c]!;
    m[r2 * width + c] = t;
  }
}
