import type { Generator, Tensor } from '@loom/core';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';

/**
 * A metric's value on one batch: a plain number (an average over the batch, weighted by the batch's size in the
 * epoch average), or a `{ total, count }` pair (e.g. correct predictions and counted tokens), added up over the
 * epoch before dividing, so that batches with more (unpadded) tokens weigh more.
 */
export type MetricValue =
  | number
  | {
      /** The sum over the batch, e.g. correct predictions. */
      readonly total: number;
      /** What the sum counts, e.g. targets that are not padding. */
      readonly count: number;
    };

/**
 * A metric: the model's outputs on a batch and the batch's targets → a {@link MetricValue}. Called under `noGrad`,
 * on the outputs computed before the optimizer's step (as Keras does). {@link accuracy} is one.
 *
 * @example
 * ```ts
 * const meanAbsError: Metric<Tensor> = (outputs, targets) => mean(abs(sub(outputs, targets))).item();
 * ```
 */
export type Metric<Y> = (outputs: Tensor, targets: Y) => MetricValue;

/** What `fit` reports after each batch (to {@link Callback.onBatchEnd}). */
export interface BatchLogs {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** The batch within the epoch, from 0. */
  readonly batch: number;
  /** Optimizer steps taken since `fit` started, counting this one (from 1). */
  readonly step: number;
  /** Samples in the batch (1 when the batch does not say). */
  readonly size: number;
  /** This batch's loss. */
  readonly loss: number;
  /** Running averages over the epoch so far: `loss` and each metric. */
  readonly values: Readonly<Record<string, number>>;
  /** The learning rate of this step. */
  readonly lr: number;
  /** The total gradient norm before clipping, when `clipGradNorm` is set. */
  readonly gradNorm?: number;
}

/** What `fit` reports after each epoch (to {@link Callback.onEpochEnd}), and keeps in the {@link History}. */
export interface EpochLogs {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** Optimizer steps taken since `fit` started. */
  readonly step: number;
  /** Batches in this epoch. */
  readonly batches: number;
  /** The learning rate of the epoch's last step (a schedule steps after this is reported). */
  readonly lr: number;
  /** Wall-clock seconds the epoch took, validation included. */
  readonly seconds: number;
  /** `loss` and each metric over the epoch, and `val_loss`, `val_<metric>` on the validation data when given. */
  readonly values: Readonly<Record<string, number>>;
}

/** Why `fit` stopped: all epochs ran, a callback called {@link TrainContext.stop}, or the abort signal fired. */
export type StopReason = 'epochs' | 'callback' | 'signal';

/** What `fit` returns. */
export interface History {
  /** One entry per completed epoch. */
  readonly epochs: readonly EpochLogs[];
  /** Each value's series over the epochs, Keras's `history.history`: `metrics.val_loss[e]`. */
  readonly metrics: Readonly<Record<string, readonly number[]>>;
  /** Why training ended. */
  readonly stopReason: StopReason;
}

/** The training run as callbacks see it. */
export interface TrainContext {
  /** The model being trained. */
  readonly model: Module;
  /** Its optimizer. */
  readonly optimizer: Optimizer;
  /** Epochs asked for. */
  readonly epochs: number;
  /** The current epoch, from 1 (0 before the first). */
  readonly epoch: number;
  /** Optimizer steps so far. */
  readonly step: number;
  /** Batches per epoch, when the data says (an array or a `DataLoader`) or once one epoch has run. */
  readonly batchesPerEpoch: number | undefined;
  /** The generator that orders the data (a `DataLoader`'s), for checkpoints; undefined when unknown. */
  readonly generator: Generator | undefined;
  /** Asks `fit` to stop after the current batch (from onBatchEnd) or epoch (from onEpochEnd). */
  stop(): void;
  /** True once a callback has called {@link TrainContext.stop}. */
  readonly stopRequested: boolean;
}

/**
 * Hooks into `fit`. Every method is optional and may return a promise, which `fit` awaits. Callbacks run in the
 * order given, each hook of one callback before the same hook of the next; the progress display runs last.
 *
 * Order within a run: onTrainBegin; per epoch onEpochBegin, onBatchEnd after each optimizer step, onEpochEnd after
 * validation; onTrainEnd (also after a stop).
 *
 * @example
 * ```ts
 * const printer: Callback = { onEpochEnd: (logs) => console.log(logs.epoch, logs.values.loss) };
 * ```
 */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(context: TrainContext): void | Promise<void>;
  /** Before the epoch's first batch. */
  onEpochBegin?(epoch: number, context: TrainContext): void | Promise<void>;
  /** After each optimizer step. */
  onBatchEnd?(logs: BatchLogs, context: TrainContext): void | Promise<void>;
  /** After the epoch's validation. */
  onEpochEnd?(logs: EpochLogs, context: TrainContext): void | Promise<void>;
  /** After the last epoch, or after a stop. */
  onTrainEnd?(history: History, context: TrainContext): void | Promise<void>;
}
