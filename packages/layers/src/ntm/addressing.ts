import { add, concat, div, log, matmul, mul, reshape, softmax, split, sqrt, square, sub, sum, type Tensor } from '@loom/core';

/**
 * Added under the square roots of the norms in the cosine similarity: keeps K finite for an all-zero key or
 * memory row (and the square root's derivative finite there), and changes K by a relative 1e-8 otherwise.
 */
export const COSINE_EPSILON = 1e-8;

/**
 * Added to w̃ before the logarithm of the sharpening step: w̃ can underflow to 0 in float32 when β is large, and
 * log 0 would make the γ-gradient NaN. Far below any weight that matters, so it changes nothing visibly.
 */
export const SHARPEN_EPSILON = 1e-12;

/** The raw (pre-activation) outputs of a batch of heads, each [B, heads, ·], with the activations applied. */
export interface HeadParams {
  /** Key k, [B, heads, M]. */
  readonly key: Tensor;
  /** Key strength β = softplus(β̂) ≥ 0, [B, heads, 1]. */
  readonly beta: Tensor;
  /** Interpolation gate g = σ(ĝ), [B, heads, 1]. */
  readonly gate: Tensor;
  /** Shift distribution s = softmax(ŝ) over the S allowed shifts −(S−1)/2 … (S−1)/2, [B, heads, S]. */
  readonly shift: Tensor;
  /** Sharpening exponent γ = 1 + softplus(γ̂) ≥ 1, [B, heads, 1]. */
  readonly gamma: Tensor;
}

/**
 * The addressing of Graves et al. 2014 (§3.3), for a batch of heads at once:
 *
 * ```text
 * K(k, Mᵢ) = k·Mᵢ / (√(‖k‖² + ε) · √(‖Mᵢ‖² + ε))        cosine similarity with each memory row
 * w_c(i)  = softmax_i(β K(k, Mᵢ))                        content addressing
 * w_g     = g w_c + (1 − g) w_prev                       interpolation with the previous weighting
 * w̃(i)    = Σ_d s(d) w_g((i − d) mod N)                  circular convolution over the allowed shifts d
 * w(i)    = w̃(i)^γ / Σ_j w̃(j)^γ = softmax_i(γ log w̃(i))  sharpening (log form: no underflow of w̃^γ)
 * ```
 *
 * Shapes: memory [B, N, M], previous weights [B, heads, N] → weights [B, heads, N] (rows sum to 1).
 */
export function address(memory: Tensor, previous: Tensor, head: HeadParams): Tensor {
  const [batch, slots] = memory.shape as [number, number, number];
  const norm = (t: Tensor) => sqrt(add(sum(square(t), -1, true), COSINE_EPSILON));
  const dots = matmul(head.key, memory, { transposeB: true }); // [B, heads, N]
  const similarity = div(dots, mul(norm(head.key), reshape(norm(memory), [batch, 1, slots])));
  const content = softmax(mul(head.beta, similarity), -1);
  const gated = add(mul(head.gate, content), mul(sub(1, head.gate), previous));
  const shifted = circularShift(gated, head.shift);
  return softmax(mul(head.gamma, log(add(shifted, SHARPEN_EPSILON))), -1);
}

/**
 * w̃(i) = Σ_d s(d) w((i − d) mod N) for the shifts d = −(S−1)/2 … (S−1)/2: w [..., N], s [..., S] → [..., N].
 * Each shift is a rotation of w (two slices joined), weighted by its probability.
 */
export function circularShift(w: Tensor, s: Tensor): Tensor {
  const slots = w.shape[w.rank - 1]!;
  const count = s.shape[s.rank - 1]!;
  const probabilities = split(s, count, -1);
  let out: Tensor | undefined;
  for (let j = 0; j < count; j++) {
    const d = j - (count - 1) / 2;
    const term = mul(probabilities[j]!, rotate(w, ((d % slots) + slots) % slots));
    out = out === undefined ? term : add(out, term);
  }
  return out!;
}

/** out(i) = w((i − d) mod N) along the last axis, for 0 ≤ d < N: the last d entries move to the front. */
function rotate(w: Tensor, d: number): Tensor {
  if (d === 0) return w;
  const slots = w.shape[w.rank - 1]!;
  const [front, back] = split(w, [slots - d, d], -1) as [Tensor, Tensor];
  return concat([back, front], -1);
}
