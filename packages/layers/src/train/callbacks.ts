import { ValueError, tensor, type Tensor } from '@loom/core';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { Callback, EpochLogs, TrainContext } from './types.js';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The epoch value to watch, e.g. `'val_loss'` (default) or `'val_accuracy'`. */
  readonly monitor?: string;
  /** Epochs without improvement to wait before stopping, a whole number ≥ 0. Default 0: stop at the first. */
  readonly patience?: number;
  /** Least change that counts as an improvement, ≥ 0. Default 0. */
  readonly minDelta?: number;
  /** `'min'` (lower is better), `'max'`, or `'auto'` (default): `'max'` when the name contains "acc", else `'min'`. */
  readonly mode?: 'min' | 'max' | 'auto';
  /** At the end of training, put back the parameters of the best epoch. Default false. */
  readonly restoreBest?: boolean;
}

/** The {@link earlyStopping} callback, with what it saw. */
export interface EarlyStopping extends Callback {
  /** The best monitored value so far (±Infinity before the first epoch). */
  readonly best: number;
  /** The epoch of the best value (0 before the first epoch). */
  readonly bestEpoch: number;
  /** The epoch after which it stopped training, or 0 if it did not. */
  readonly stoppedEpoch: number;
}

/**
 * Stops training when a monitored value has stopped improving, as Keras's `EarlyStopping`. After each epoch the
 * value v improves when v < best − minDelta (mode 'min') or v > best + minDelta ('max'); otherwise the wait grows
 * by one, and when it reaches `patience` training stops. With `restoreBest`, the parameters of the best epoch
 * (copied when it was seen) are written back when training ends, whether it stopped early or ran all epochs.
 *
 * @throws ValueError for bad options, or when the monitored name is not among the epoch's values (the message lists
 * those there are: a `val_` name needs `validation` data).
 *
 * @example
 * ```ts
 * const stopper = earlyStopping({ monitor: 'val_loss', patience: 3, restoreBest: true });
 * await fit(model, loader, { ...options, validation, callbacks: [stopper] });
 * stopper.bestEpoch; // the epoch whose weights the model now has
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const { monitor = 'val_loss', patience = 0, minDelta = 0, restoreBest = false } = options;
  if (!Number.isInteger(patience) || patience < 0)
    throw new ValueError(`earlyStopping: patience must be a whole number ≥ 0, got ${patience}`);
  if (!(minDelta >= 0 && minDelta < Infinity)) throw new ValueError(`earlyStopping: minDelta must be a finite number ≥ 0, got ${minDelta}`);
  const mode = options.mode ?? 'auto';
  if (mode !== 'min' && mode !== 'max' && mode !== 'auto')
    throw new ValueError(`earlyStopping: mode must be 'min', 'max' or 'auto', got ${mode}`);
  const sign = (mode === 'auto' ? (monitor.includes('acc') ? 'max' : 'min') : mode) === 'min' ? 1 : -1;
  let wait = 0;
  let snapshot: Tensor['data'][] | null = null;
  const state = { best: sign * Infinity, bestEpoch: 0, stoppedEpoch: 0 };
  return {
    get best() {
      return state.best;
    },
    get bestEpoch() {
      return state.bestEpoch;
    },
    get stoppedEpoch() {
      return state.stoppedEpoch;
    },
    onTrainBegin() {
      [wait, snapshot] = [0, null];
      Object.assign(state, { best: sign * Infinity, bestEpoch: 0, stoppedEpoch: 0 });
    },
    onEpochEnd(logs: EpochLogs, context: TrainContext) {
      const value = logs.values[monitor];
      if (value === undefined) {
        throw new ValueError(
          `earlyStopping: no value '${monitor}' after epoch ${logs.epoch}; there are ${Object.keys(logs.values).join(', ')}` +
            (monitor.startsWith('val_') ? ' (val_ values need validation data in fit)' : ''),
        );
      }
      // NaN never improves: a diverged run keeps its last good weights.
      if (sign * value < sign * state.best - minDelta) {
        Object.assign(state, { best: value, bestEpoch: logs.epoch });
        wait = 0;
        if (restoreBest) snapshot = context.model.parameters().map((p) => p.data.slice());
        return;
      }
      wait += 1;
      if (wait >= patience) {
        state.stoppedEpoch = logs.epoch;
        context.stop();
      }
    },
    onTrainEnd(_history, context: TrainContext) {
      if (snapshot === null) return;
      const saved = snapshot;
      context.model.parameters().forEach((p, i) => p.assign(tensor(saved[i]!, { shape: p.shape, dtype: p.dtype })));
    },
  };
}

/**
 * Steps a learning-rate schedule (`StepLR`, `CosineAnnealingLR`, …) at the end of every epoch, so epoch e + 1
 * trains with γ(e): the loop PyTorch's schedules expect. The schedule must wrap `fit`'s optimizer.
 *
 * @throws ValueError at the start of training when the schedule drives another optimizer.
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * await fit(model, loader, { ...options, optimizer, callbacks: [lrSchedule(new StepLR(optimizer, { stepSize: 5 }))] });
 * ```
 */
export function lrSchedule(scheduler: LRScheduler): Callback {
  return {
    onTrainBegin(context: TrainContext) {
      if (scheduler.optimizer !== context.optimizer) {
        throw new ValueError(
          `lrSchedule: the schedule drives a different optimizer (${scheduler.optimizer.name}) than fit's (${context.optimizer.name})`,
        );
      }
    },
    onEpochEnd() {
      scheduler.step();
    },
  };
}
