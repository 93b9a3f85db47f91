import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValueError } from '@loom/core';
import type { BatchLogs, Callback, EpochLogs } from './types.js';

/** Options of {@link jsonlLogger}. */
export interface JsonlLoggerOptions {
  /** Also write a record every this many optimizer steps (a whole number ≥ 1). Default: epoch records only. */
  readonly everySteps?: number;
}

/**
 * Writes training metrics to `path` as JSON Lines, one object per line: after every epoch
 * `{"type":"epoch","epoch","step","loss",…metrics,"val_loss",…,"lr","seconds","time","elapsed"}`, and with
 * `everySteps` every that many steps `{"type":"batch","epoch","batch","step","loss",…,"lr","time","elapsed"}`,
 * where `loss` is that batch's loss and the metrics are running averages over the epoch so far. `time` is the wall
 * clock (ISO 8601), `elapsed` the seconds since training began. Non-finite values are written as null (JSON has no
 * NaN). Node only: exported from `@loom/layers/node`.
 *
 * The file is appended to, never truncated, so runs that resume add to one log. Each record is a whole line written
 * by one append call, so an interrupted run leaves complete lines behind. Missing folders are created, and a path
 * that cannot be written fails at the start of training, before any work is lost.
 *
 * @example
 * ```ts
 * await fit(model, loader, { ...options, callbacks: [jsonlLogger('runs/lstm/metrics.jsonl', { everySteps: 50 })] });
 * ```
 */
export function jsonlLogger(path: string, options: JsonlLoggerOptions = {}): Callback {
  const { everySteps } = options;
  if (everySteps !== undefined && !(Number.isInteger(everySteps) && everySteps >= 1)) {
    throw new ValueError(`jsonlLogger: everySteps must be a whole number ≥ 1, got ${everySteps}`);
  }
  let started = 0;
  const write = (record: Record<string, unknown>) => {
    const now = performance.now();
    const line = JSON.stringify({ ...record, time: new Date().toISOString(), elapsed: (now - started) / 1000 });
    appendFileSync(path, line + '\n');
  };
  return {
    onTrainBegin() {
      started = performance.now();
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, ''); // fails now, not after the first epoch, when the path cannot be written
    },
    onBatchEnd(logs: BatchLogs) {
      if (everySteps === undefined || logs.step % everySteps !== 0) return;
      const { epoch, batch, step, loss, lr, gradNorm } = logs;
      write({ type: 'batch', epoch, batch, step, ...logs.values, loss, lr, ...(gradNorm === undefined ? {} : { gradNorm }) });
    },
    onEpochEnd(logs: EpochLogs) {
      const { epoch, step, lr, seconds } = logs;
      write({ type: 'epoch', epoch, step, ...logs.values, lr, seconds });
    },
  };
}
