import { ValueError, type Generator, type Tensor } from '@loom/core';

/** Options of {@link spectralRadius}. */
export interface SpectralRadiusOptions {
  /** Power iterations (default 2000); the growth is measured over the second half. */
  readonly iterations?: number;
  /** Randomness of the starting vector; a fixed internal sequence when absent, so the result is reproducible. */
  readonly generator?: Generator;
}

/**
 * An estimate of the spectral radius ρ(W) = max |λᵢ| of a square matrix [n, n], from the growth rate of power
 * iteration (Gelfand's formula ρ = lim ‖Wᵏv‖^(1/k)):
 *
 * ```text
 * v₀ random, v_{k+1} = W v_k / ‖W v_k‖,   ρ ≈ exp( (1/m) Σ_{k=K−m}^{K−1} ln ‖W v_k‖ ),  K = iterations, m = K/2
 * ```
 *
 * Why not the last ‖W v‖ of plain power iteration: for a non-symmetric W that converges only when one real
 * eigenvalue strictly dominates. A random reservoir's dominant eigenvalue is as often a complex-conjugate pair,
 * or several eigenvalues share nearly the same modulus (they crowd the edge of a disc), and then ‖W v_k‖
 * oscillates forever. The geometric mean of the growth over m steps still converges, for every real matrix: the
 * oscillation only contributes the log of a bounded factor (set by how far the dominant eigenvectors are from
 * orthogonal), spread over m steps. So the relative error is O(ln κ / m), about 10⁻³ with the defaults on random
 * reservoirs, and the first K − m steps let the smaller eigenvalues die away. Assumption: v₀ has a component
 * along the dominant eigenvectors (true with probability 1 for a random start).
 *
 * Not differentiable: a plain-array utility for initialization (scaling a reservoir), like `init.orthogonal`.
 * Each step touches only the nonzero entries, so a sparse reservoir is cheap.
 *
 * @example
 * ```ts
 * spectralRadius(tensor([[0, -2], [2, 0]])); // 2 (eigenvalues ±2i: plain power iteration never settles)
 * ```
 */
export function spectralRadius(w: Tensor, options: SpectralRadiusOptions = {}): number {
  if (w.rank !== 2 || w.shape[0] !== w.shape[1]) throw new ValueError(`spectralRadius: needs a square matrix, got [${w.shape.join(',')}]`);
  const { iterations = 2000, generator } = options;
  if (!Number.isInteger(iterations) || iterations < 2)
    throw new ValueError(`spectralRadius: iterations must be a whole number ≥ 2, got ${iterations}`);
  const n = w.shape[0]!;
  // Compressed rows: the nonzero entries only.
  const start = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = w.data[i * n + j]!;
      if (a !== 0) {
        cols.push(j);
        vals.push(a);
      }
    }
    start[i + 1] = cols.length;
  }
  // A fixed LCG when no generator is given: deterministic, and random enough to meet every eigenvector.
  let s = 12345;
  const draw = generator ? () => generator.normal() : () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  let v = Float64Array.from({ length: n }, draw);
  let next = new Float64Array(n);
  normalize(v);
  const measured = Math.floor(iterations / 2);
  let logGrowth = 0;
  for (let k = 0; k < iterations; k++) {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let e = start[i]!; e < start[i + 1]!; e++) acc += vals[e]! * v[cols[e]!]!;
      next[i] = acc;
    }
    const norm = normalize(next);
    if (norm === 0) return 0; // Wᵏv = 0: W is nilpotent on the start vector, so (with probability 1) ρ = 0
    if (k >= iterations - measured) logGrowth += Math.log(norm);
    [v, next] = [next, v];
  }
  return Math.exp(logGrowth / measured);
}

/** Scales `v` to unit length in place and returns its former norm. */
function normalize(v: Float64Array): number {
  let sq = 0;
  for (const x of v) sq += x * x;
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return norm;
}
