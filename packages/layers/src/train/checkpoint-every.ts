import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ValueError, type Generator } from '@loom/core';
import { saveCheckpoint } from '../io/checkpoint.js';
import type { BatchLogs, Callback, TrainContext } from './types.js';

/** Options of {@link checkpointEvery}. */
export interface CheckpointEveryOptions {
  /** Save after every this many optimizer steps, a whole number ≥ 1. */
  readonly steps: number;
  /**
   * Where to save. `{step}` and `{epoch}` are replaced by the numbers, so `run/ckpt-{step}.safetensors` keeps every
   * checkpoint while `run/last.safetensors` keeps only the latest (each save replaces it atomically).
   */
  readonly path: string;
  /** More generators to save by name (e.g. a dropout generator); the data loader's is saved as `data`. */
  readonly rng?: Readonly<Record<string, Generator>>;
  /** JSON data stored with every checkpoint (a configuration…), or a function of the step's {@link BatchLogs} making it. */
  readonly extra?: unknown;
}

/**
 * Saves the whole training state every `steps` optimizer steps with `saveCheckpoint` (one safetensors file, written
 * atomically): the model, the optimizer, the step, the epoch in progress (from 1), the data loader's generator as
 * `rng.data` (when `fit`'s data is a `DataLoader` with its own generator) and `extra`. `fit` waits for each save to
 * finish before the next batch. Missing folders are created. Node only: exported from `@loom/layers/node`.
 *
 * @throws ValueError for a `steps` that is not a whole number ≥ 1; a failed save rejects `fit` with the
 * `FileError` (or other error) of `saveCheckpoint`, and the previous checkpoint stays intact.
 *
 * @example
 * ```ts
 * await fit(model, loader, { ...options, callbacks: [checkpointEvery({ steps: 500, path: 'run/step-{step}.safetensors' })] });
 * ```
 */
export function checkpointEvery(options: CheckpointEveryOptions): Callback {
  const { steps, path, rng = {}, extra } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(`checkpointEvery: steps must be a whole number ≥ 1, got ${steps}`);
  return {
    async onBatchEnd(logs: BatchLogs, context: TrainContext) {
      if (logs.step % steps !== 0) return;
      const file = path.replaceAll('{step}', String(logs.step)).replaceAll('{epoch}', String(logs.epoch));
      const data: Record<string, Generator> = context.generator === undefined ? {} : { data: context.generator };
      await mkdir(dirname(file), { recursive: true });
      const value = typeof extra === 'function' ? (extra as (logs: BatchLogs) => unknown)(logs) : extra;
      await saveCheckpoint(file, {
        model: context.model,
        optimizer: context.optimizer,
        step: logs.step,
        epoch: logs.epoch,
        rng: { ...data, ...rng },
        ...(value === undefined ? {} : { extra: value }),
      });
    },
  };
}
