import { LoomError, Tensor, ValueError, cast, gather, mul, ne, tensor, unsqueeze, type Indices } from '@loom/core';
import { normal, type InitOptions } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions extends InitOptions {
  /** A row that stays zero and gets no gradient (for padding tokens). */
  readonly paddingIdx?: number;
}

/**
 * A lookup table of vectors: token ids → embeddings. Starts N(0, 1), as PyTorch.
 *
 * With `paddingIdx`, that row is zero in the output and gets no gradient, so padding never trains
 * (the row is also zeroed at creation).
 *
 * Shapes: ids of any shape → [...ids.shape, dim]; `weight` [count, dim].
 *
 * @example
 * ```ts
 * const embed = new Embedding(100, 8, { paddingIdx: 0 });
 * embed.forward([[3, 7, 0]]).shape; // [1, 3, 8]
 * ```
 */
export class Embedding extends Module {
  /** The table, [count, dim]. */
  readonly weight: Parameter;
  /** The padding row (negative indices wrapped), or null. */
  readonly paddingIdx: number | null;

  /** A table of `count` vectors of size `dim`. */
  constructor(
    /** Number of vectors (the vocabulary size). */
    readonly count: number,
    /** Size of each vector. */
    readonly dim: number,
    /** Initialization and the padding row. */
    readonly options: EmbeddingOptions = {},
  ) {
    super();
    this.weight = normal([count, dim], 0, 1, options);
    const pad = options.paddingIdx;
    if (pad !== undefined && !(Number.isInteger(pad) && pad >= -count && pad < count)) {
      throw new ValueError(`Embedding(${count}, ${dim}): paddingIdx ${pad} must be a whole number in ${-count}…${count - 1}`);
    }
    // A negative index counts from the end, as in PyTorch.
    this.paddingIdx = pad === undefined ? null : pad < 0 ? pad + count : pad;
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * dim, (this.paddingIdx + 1) * dim);
  }

  /** Looks up each id (whole numbers in [0, count)). */
  forward(ids: Indices): Tensor {
    const rows = this.lookup(ids);
    const pad = this.paddingIdx;
    if (pad === null) return rows;
    // Multiplying by a 0/1 mask (a constant) zeroes both the padding rows and their gradient.
    const idTensor = ids instanceof Tensor ? cast(ids, this.weight.dtype) : tensor(ids as number[], { dtype: this.weight.dtype });
    return mul(rows, unsqueeze(ne(idTensor, pad), -1));
  }

  /** gather, with errors that name this layer. */
  private lookup(ids: Indices): Tensor {
    try {
      return gather(this.weight, ids, 0);
    } catch (e) {
      if (!(e instanceof LoomError)) throw e;
      const Kind = e.constructor as new (message: string) => LoomError;
      throw new Kind(`Embedding(${this.count}, ${this.dim}): ${e.message}`);
    }
  }
}
