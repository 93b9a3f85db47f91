import { ValueError, clamp, mul, noGrad, type Tensor } from '@loom/core';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** p of the p-norm, > 0; `Infinity` for the largest |g|. Default 2. */
  readonly normType?: number;
  /** Throw a ValueError when the total norm is NaN or ±∞, instead of scaling by a NaN or 0. Default false. */
  readonly errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients of `params` together so that their total norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_`, and returns the total norm measured before clipping. Use it between `backward()` and the
 * optimizer's step; it is the usual cure for exploding gradients in recurrent networks (Pascanu et al. 2013).
 *
 * total = (Σ over every gradient element |g|ᵖ)^(1/p) (max |g| for p = ∞), as if all gradients were one vector;
 * coef = maxNorm / (total + 1e-6); when coef < 1 every gradient is replaced by g·coef (new tensors: tensors are
 * immutable). Parameters with a null grad are skipped. The norm is accumulated in float64.
 *
 * @throws ValueError when `errorIfNonfinite` is set and the total norm is NaN or infinite (it names the norm);
 * without it, a NaN norm makes every gradient NaN, as in PyTorch.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0, { errorIfNonfinite: true });
 * opt.step();
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const { normType = 2, errorIfNonfinite = false } = options;
  if (!(normType > 0)) throw new ValueError(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}`);
  if (!(maxNorm >= 0)) throw new ValueError(`clipGradNorm: maxNorm must be ≥ 0, got ${maxNorm}`);
  const withGrad = [...params].filter((p) => p.grad !== null);
  let total = 0;
  for (const p of withGrad) {
    for (const g of p.grad!.data) {
      const a = Math.abs(g);
      // NaN must reach the total: Math.max(NaN, x) is NaN, and NaN ** p is NaN.
      total = normType === Infinity ? Math.max(total, a) : total + a ** normType;
    }
  }
  if (normType !== Infinity) total = total ** (1 / normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; ` +
        `look for a NaN or infinite gradient, or pass errorIfNonfinite: false to clip anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // !(coef >= 1) also catches NaN, which PyTorch propagates into every gradient.
  if (!(coef >= 1)) noGrad(() => withGrad.forEach((p) => (p.grad = mul(p.grad!, coef))));
  return total;
}

/**
 * Clamps every gradient element of `params` to [−clip, clip], as PyTorch's `clip_grad_value_`; gradients are
 * replaced by new tensors. Parameters with a null grad are skipped.
 *
 * @example
 * ```ts
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue(params: Iterable<Tensor>, clip: number): void {
  if (!(clip >= 0)) throw new ValueError(`clipGradValue: clip must be ≥ 0, got ${clip}`);
  noGrad(() => {
    for (const p of params) if (p.grad !== null) p.grad = clamp(p.grad, -clip, clip);
  });
}
