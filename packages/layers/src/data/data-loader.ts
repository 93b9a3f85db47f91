import { ShapeError, ValueError, rand, type Generator } from '@loom/core';

/** Samples as two parallel arrays: `inputs[i]` goes with `targets[i]`. */
export interface Dataset<X, Y> {
  /** One input per sample (a sequence, a feature vector, ids…). */
  readonly inputs: readonly X[];
  /** One target per sample, in the same order. */
  readonly targets: readonly Y[];
}

/** One batch as `fit` consumes it: collated inputs and targets. */
export interface Batch<BX, BY> {
  /** The inputs, as the model's `forward` takes them. */
  readonly inputs: BX;
  /** The targets, as the loss and the metrics take them. */
  readonly targets: BY;
  /** Number of samples, which weights this batch in epoch averages. `fit` counts 1 when absent. */
  readonly size?: number;
  /** Which dataset samples this batch holds, in order (a {@link DataLoader} fills it in). */
  readonly indices?: readonly number[];
}

/** Turns the samples of one batch into the batch's inputs and targets (e.g. pads sequences). */
export type Collate<X, Y, BX, BY> = (
  inputs: X[],
  targets: Y[],
) => {
  /** The batch's inputs, as the model's `forward` takes them. */
  readonly inputs: BX;
  /** The batch's targets, as the loss takes them. */
  readonly targets: BY;
};

/** Batches of samples of similar length, so that little of each padded batch is padding. */
export interface BucketOptions<X> {
  /** The sort key of a sample, usually its length. */
  readonly key: (input: X, index: number) => number;
  /** Batches per pool: the (shuffled) order is cut into pools of poolBatches·batchSize samples, each sorted by key. Default 50. */
  readonly poolBatches?: number;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<X, Y, BX, BY> {
  /** Samples per batch, a whole number ≥ 1. */
  readonly batchSize: number;
  /** Draw a new order of the samples every epoch (every iteration). Default false. */
  readonly shuffle?: boolean;
  /** Where the order comes from; the global generator (see `seed`) when absent. */
  readonly generator?: Generator;
  /** Drop the last batch when it has fewer than batchSize samples. Default false. */
  readonly dropLast?: boolean;
  /** How a batch's samples become its inputs and targets. Default: the plain arrays (`BX = X[]`, `BY = Y[]`). */
  readonly collate?: Collate<X, Y, BX, BY>;
  /** Group samples of similar `key` (length) into batches. Off by default. */
  readonly bucket?: BucketOptions<X>;
}

/**
 * Iterates over a {@link Dataset} in batches: each `for … of` is one epoch. With `shuffle`, every epoch draws a
 * fresh permutation from the generator (Fisher–Yates), so a seeded generator gives the same sequence of epochs on
 * every run; without it, samples come in dataset order.
 *
 * With `bucket`, the (shuffled) order is cut into pools of `poolBatches · batchSize` samples, each pool is sorted by
 * `key` (stably) and cut into batches, and the batches are shuffled again: batches hold sequences of similar length
 * (less padding, less wasted compute) while every epoch still differs. Only the last pool can leave a short batch.
 *
 * Shapes: whatever `collate` makes; {@link padCollate} pads sequences for `Recurrent`.
 *
 * @throws ValueError for a batchSize that is not a whole number ≥ 1 (or a bad poolBatches); ShapeError when the
 * dataset has different numbers of inputs and targets.
 *
 * @example
 * ```ts
 * const loader = new DataLoader({ inputs: sentences, targets: labels }, {
 *   batchSize: 32, shuffle: true, generator: new Generator(1), collate: padCollate(),
 * });
 * for (const { inputs, targets } of loader) model.forward(inputs); // inputs: { padded, lengths, mask }
 * ```
 */
export class DataLoader<X, Y, BX = X[], BY = Y[]> implements Iterable<Batch<BX, BY>> {
  /** Samples per batch. */
  readonly batchSize: number;
  /** The generator that shuffles, or undefined for the global one. */
  readonly generator: Generator | undefined;
  private readonly options: DataLoaderOptions<X, Y, BX, BY>;

  /** A loader over `dataset`; see {@link DataLoaderOptions}. */
  constructor(
    /** The samples. */
    readonly dataset: Dataset<X, Y>,
    options: DataLoaderOptions<X, Y, BX, BY>,
  ) {
    const { batchSize, bucket } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be a whole number ≥ 1, got ${batchSize}`);
    }
    if (dataset.inputs.length !== dataset.targets.length) {
      throw new ShapeError(
        `DataLoader: the dataset has ${dataset.inputs.length} inputs but ${dataset.targets.length} targets; each input needs one target`,
      );
    }
    const pool = bucket?.poolBatches ?? 50;
    if (!Number.isInteger(pool) || pool < 1) throw new ValueError(`DataLoader: bucket.poolBatches must be a whole number ≥ 1, got ${pool}`);
    this.batchSize = batchSize;
    this.generator = options.generator;
    this.options = options;
  }

  /** Batches per epoch: ⌈n / batchSize⌉, or ⌊n / batchSize⌋ with `dropLast`. */
  get length(): number {
    const n = this.dataset.inputs.length;
    return this.options.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample indices of each batch of one epoch (draws from the generator when shuffling). */
  order(): number[][] {
    const { shuffle = false, dropLast = false, bucket } = this.options;
    const n = this.dataset.inputs.length;
    const size = this.batchSize;
    const indices = Array.from({ length: n }, (_, i) => i);
    if (shuffle) this.permute(indices);
    let batches: number[][] = [];
    if (bucket === undefined) {
      for (let i = 0; i < n; i += size) batches.push(indices.slice(i, i + size));
    } else {
      const poolSize = size * (bucket.poolBatches ?? 50);
      const keys = this.dataset.inputs.map((x, i) => bucket.key(x, i));
      for (let p = 0; p < n; p += poolSize) {
        // Array.prototype.sort is stable, so equal keys keep the shuffled order.
        const pool = indices.slice(p, p + poolSize).sort((a, b) => keys[a]! - keys[b]!);
        for (let i = 0; i < pool.length; i += size) batches.push(pool.slice(i, i + size));
      }
      // The short batch (if any) is dropped before the shuffle, which would otherwise hide it.
      if (dropLast) batches = batches.filter((b) => b.length === size);
      if (shuffle) this.permute(batches);
      return batches;
    }
    return dropLast ? batches.filter((b) => b.length === size) : batches;
  }

  /** One epoch of collated batches. */
  *[Symbol.iterator](): Iterator<Batch<BX, BY>> {
    const collate =
      this.options.collate ?? ((inputs: X[], targets: Y[]) => ({ inputs, targets }) as unknown as { inputs: BX; targets: BY });
    for (const indices of this.order()) {
      const { inputs, targets } = collate(
        indices.map((i) => this.dataset.inputs[i]!),
        indices.map((i) => this.dataset.targets[i]!),
      );
      yield { inputs, targets, size: indices.length, indices };
    }
  }

  /** Fisher–Yates shuffle in place: j uniform in 0…i for i from the end. */
  private permute<T>(items: T[]): void {
    if (items.length < 2) return;
    const u = rand([items.length], { dtype: 'float64', generator: this.generator }).data;
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(u[i]! * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
  }
}
