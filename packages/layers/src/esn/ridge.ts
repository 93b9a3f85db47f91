import { ShapeError, ValueError, add, eye, matmul, mul, solve, type Tensor } from '@loom/core';

/**
 * Ridge regression in closed form: the W that minimizes ‖XW − Y‖² + λ‖W‖², which is
 *
 * ```text
 * W = (XᵀX + λI)⁻¹ XᵀY
 * ```
 *
 * computed with `solve` on the normal equations (never an explicit inverse). XᵀX + λI is symmetric positive
 * definite for λ > 0, so the solve is stable; λ = 0 is ordinary least squares and needs X of full column rank.
 * Differentiable in X and Y (through `solve`), so a readout fitted inside a training step passes gradients back.
 * Add a column of ones to X for an intercept (it is then regularized too).
 *
 * Shapes: x [S, F], y [S, O] → W [F, O].
 *
 * @example
 * ```ts
 * const w = ridgeRegression(features, targets, 1e-6); // predictions: matmul(features, w)
 * ```
 */
export function ridgeRegression(x: Tensor, y: Tensor, lambda: number): Tensor {
  if (x.rank !== 2 || y.rank !== 2 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `ridgeRegression: x must be [S, F] and y [S, O] with the same S, got x [${x.shape.join(',')}] and y [${y.shape.join(',')}]`,
    );
  }
  if (!(lambda >= 0)) throw new ValueError(`ridgeRegression: lambda must be ≥ 0, got ${lambda}`);
  const features = x.shape[1]!;
  const gram = matmul(x, x, { transposeA: true });
  const regularized = lambda === 0 ? gram : add(gram, mul(eye(features, features, { dtype: x.dtype }), lambda));
  return solve(regularized, matmul(x, y, { transposeA: true }));
}
