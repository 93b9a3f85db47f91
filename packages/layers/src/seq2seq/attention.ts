import { ShapeError, ValueError, add, cast, matmul, reshape, softmax, tanh, tensor, unsqueeze, where, type Tensor } from '@loom/core';
import { rnnUniform, type InitOptions } from '../init.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';

/** How {@link Attention} scores a source position h_s against the decoder's query s_t. */
export type AttentionKind = 'additive' | 'dot' | 'general';

/** Options of {@link Attention}. */
export interface AttentionOptions extends InitOptions {
  /** `'additive'` (Bahdanau), `'dot'` or `'general'` (Luong). Default `'general'`. */
  readonly kind?: AttentionKind;
  /** Width A of the additive score's hidden layer. Default: the key size. */
  readonly attentionSize?: number;
}

/** Which source positions are real. Give one of the two; without either, every position is. */
export interface SourceMask {
  /** 1 for a real position and 0 for padding, [B, S]. Each row needs at least one real position. */
  readonly mask?: Tensor;
  /** Real positions per sequence, each in 1…S. */
  readonly lengths?: readonly number[];
}

/**
 * The encoder outputs prepared once per source batch by {@link Attention.memory}: the keys, the part of the score
 * that reads only the keys (hoisted out of the decoder's time loop), and the padding mask.
 */
export interface AttentionMemory {
  /** The encoder outputs h_s, [B, S, Hk]. */
  readonly keys: Tensor;
  /** W₁h_s (additive, [B, S, A]), W h_s (general, [B, S, Hq]) or h_s itself (dot). */
  readonly projected: Tensor;
  /** 1 for a real position and 0 for padding, [B, S], in the keys' dtype; null when every position is real. */
  readonly mask: Tensor | null;
}

/** What {@link Attention.forward} returns. */
export interface AttentionOutput {
  /** The context vector a_t = Σ_s α_ts h_s, [B, Hk]. */
  readonly context: Tensor;
  /** The attention weights α_t, [B, S]: each row sums to 1 and is exactly 0 on padded positions. */
  readonly weights: Tensor;
}

/**
 * Soft attention of a decoder query over encoder outputs, with a mask for padded source positions.
 *
 * ```text
 * additive (Bahdanau et al. 2015):  e_ts = vᵀ tanh(W₁ h_s + W₂ s_t + b)
 * dot      (Luong et al. 2015):     e_ts = s_tᵀ h_s                        (needs Hq = Hk)
 * general  (Luong et al. 2015):     e_ts = s_tᵀ W h_s
 * e_ts = −∞ on padded positions
 * α_t  = softmax_s(e_t)               a_t = Σ_s α_ts h_s
 * ```
 *
 * Padded scores are replaced (with `where`, not added to) by −∞, so their weights are exactly 0 and their keys get
 * exactly zero gradient; a row therefore needs one real position, or its softmax would be 0/0.
 *
 * Shapes: query s_t [B, Hq]; keys h [B, S, Hk]; context [B, Hk]; weights [B, S]. Parameters: additive
 * `keyProjection` W₁ [A, Hk], `queryProjection` W₂ [A, Hq] with b [A], `score` v [A]; general `keyProjection`
 * W [Hq, Hk]; dot none.
 *
 * @example
 * ```ts
 * const attention = new Attention(16, 32, { kind: 'additive' });
 * const memory = attention.memory(encoderOutputs, { lengths: [5, 3] }); // keys [2, 5, 32]
 * const { context, weights } = attention.forward(decoderOutput, memory); // [2, 32], [2, 5]
 * ```
 */
export class Attention extends Module {
  /** The score function. */
  readonly kind: AttentionKind;
  /** W₁ (additive) or W (general); null for dot. */
  readonly keyProjection: Linear | null;
  /** W₂ with bias b (additive only). */
  readonly queryProjection: Linear | null;
  /** v, [A] (additive only). */
  readonly score: Parameter | null;

  /** Attention of queries of `querySize` features over keys of `keySize` features. */
  constructor(
    /** Features of the query s_t, Hq. */
    readonly querySize: number,
    /** Features of each key h_s, Hk. */
    readonly keySize: number,
    options: AttentionOptions = {},
  ) {
    super();
    const kind = options.kind ?? 'general';
    if (!['additive', 'dot', 'general'].includes(kind)) {
      throw new ValueError(`Attention: kind must be 'additive', 'dot' or 'general', got '${kind}'`);
    }
    if (kind === 'dot' && querySize !== keySize) {
      throw new ShapeError(`Attention('dot'): query size ${querySize} ≠ key size ${keySize}; use 'general' or 'additive'`);
    }
    this.kind = kind;
    const a = options.attentionSize ?? keySize;
    this.keyProjection = kind === 'dot' ? null : new Linear(keySize, kind === 'additive' ? a : querySize, { ...options, bias: false });
    this.queryProjection = kind === 'additive' ? new Linear(querySize, a, options) : null;
    this.score = kind === 'additive' ? rnnUniform([a], a, options) : null;
  }

  /** Prepares encoder outputs `keys` [B, S, Hk] and their padding for any number of {@link Attention.forward} calls. */
  memory(keys: Tensor, source: SourceMask = {}): AttentionMemory {
    const name = `Attention('${this.kind}')`;
    if (keys.rank !== 3 || keys.shape[2] !== this.keySize) {
      throw new ShapeError(`${name}: keys must be [B, S, ${this.keySize}], got [${keys.shape.join(',')}]`);
    }
    const projected = this.keyProjection ? this.keyProjection.forward(keys) : keys;
    return { keys, projected, mask: sourceMask(name, source, keys) };
  }

  /** Attends from `query` [B, Hq] over `memory`; see the class equations. */
  forward(query: Tensor, memory: AttentionMemory): AttentionOutput {
    const { keys, projected, mask } = memory;
    const [batch, steps] = keys.shape as [number, number, number];
    if (query.rank !== 2 || query.shape[0] !== batch || query.shape[1] !== this.querySize) {
      throw new ShapeError(
        `Attention('${this.kind}'): query has shape [${query.shape.join(',')}] but the keys [${keys.shape.join(',')}] need [${batch}, ${this.querySize}]`,
      );
    }
    let scores: Tensor;
    if (this.queryProjection && this.score) {
      const hidden = tanh(add(projected, unsqueeze(this.queryProjection.forward(query), 1))); // [B, S, A]
      scores = matmul(hidden, unsqueeze(this.score, 1)); // [B, S, 1]
    } else {
      scores = matmul(projected, unsqueeze(query, 2)); // [B, S, 1]
    }
    scores = reshape(scores, [batch, steps]);
    if (mask) scores = where(mask, scores, -Infinity);
    const weights = softmax(scores, -1);
    const context = reshape(matmul(unsqueeze(weights, 1), keys), [batch, this.keySize]);
    return { context, weights };
  }
}

/** The [B, S] mask of `source` in the keys' dtype, or null; checks its shape and that each row has a real position. */
function sourceMask(name: string, source: SourceMask, keys: Tensor): Tensor | null {
  const [batch, steps] = keys.shape as [number, number, number];
  if (source.mask !== undefined && source.lengths !== undefined) throw new ValueError(`${name}: give a mask or lengths, not both`);
  if (source.lengths !== undefined) {
    const { lengths } = source;
    if (lengths.length !== batch || lengths.some((n) => !Number.isInteger(n) || n < 1 || n > steps)) {
      throw new ValueError(
        `${name}: source lengths [${lengths.join(',')}] must be ${batch} whole numbers in 1…${steps} (the batch and the source steps of keys [${keys.shape.join(',')}])`,
      );
    }
    if (lengths.every((n) => n === steps)) return null;
    const values = Array.from({ length: batch * steps }, (_, e) => (e % steps < lengths[Math.floor(e / steps)]! ? 1 : 0));
    return tensor(values, { shape: [batch, steps], dtype: keys.dtype });
  }
  if (source.mask === undefined) return null;
  const mask = source.mask;
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
    throw new ShapeError(
      `${name}: mask has shape [${mask.shape.join(',')}] but keys [${keys.shape.join(',')}] need [${batch}, ${steps}] ([B, S])`,
    );
  }
  const empty = Array.from({ length: batch }, (_, b) => b).filter((b) =>
    mask.data.subarray(b * steps, (b + 1) * steps).every((v) => v === 0),
  );
  if (empty.length > 0) {
    throw new ValueError(`${name}: mask rows ${empty.join(', ')} have no real position; softmax over an empty row is 0/0`);
  }
  return cast(mask, keys.dtype);
}
