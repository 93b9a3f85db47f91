import { ShapeError, ValueError, noGrad, seed as reseed, type Generator, type Tensor } from '@loom/core';
import { clipGradNorm } from '../clip.js';
import type { Batch } from '../data/data-loader.js';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Averages } from './metrics.js';
import { progressBar, type ProgressOptions } from './progress.js';
import type { BatchLogs, Callback, EpochLogs, History, Metric, StopReason, TrainContext } from './types.js';

/** A model `fit` can train: a {@link Module} whose `forward` maps a batch's inputs to outputs. */
export interface FitModel<BX> extends Module {
  /** The outputs for a batch's inputs (scores, predictions…), as the loss takes them. */
  forward(inputs: BX): Tensor;
}

/** Options of {@link fit}. */
export interface FitOptions<BX, BY> {
  /** Epochs to run, a whole number ≥ 0. */
  readonly epochs: number;
  /** Updates the parameters after each batch; it decides which parameters train (usually `model.parameters()`). */
  readonly optimizer: Optimizer;
  /** The training objective of a batch: outputs and targets → a one-element tensor, e.g. `crossEntropy`. */
  readonly loss: (outputs: Tensor, targets: BY) => Tensor;
  /** Named metrics, computed on training batches and on the validation data. See {@link accuracy}. */
  readonly metrics?: Readonly<Record<string, Metric<BY>>>;
  /** Batches to evaluate after every epoch (in eval mode, without gradients), reported as `val_loss`, `val_<metric>`. */
  readonly validation?: Iterable<Batch<BX, BY>>;
  /** Hooks: early stopping, schedules, logging… See {@link Callback}. */
  readonly callbacks?: readonly Callback[];
  /** Rescale the gradients to this total 2-norm at most before each step ({@link clipGradNorm}). Off by default. */
  readonly clipGradNorm?: number;
  /** Reseeds the global generator before the first epoch (dropout, and loaders without their own generator). */
  readonly seed?: number;
  /** Stops training between batches when aborted (the epoch in progress is not reported). */
  readonly signal?: AbortSignal;
  /** The progress display: options, or false for none. Default: a bar on a terminal's stderr, else one line per epoch. */
  readonly progress?: ProgressOptions | false;
}

/**
 * Trains `model` on `data` for `options.epochs` epochs, as Keras's `fit` or a hand-written PyTorch loop does, and
 * returns the {@link History}. `data` is any iterable of {@link Batch}es that can be iterated again for every
 * epoch: a {@link DataLoader} (which batches, pads and shuffles with its seeded generator) or an array of batches.
 * Batching, shuffling and padding are the loader's job, so `fit` takes no batch size.
 *
 * Per batch: `optimizer.zeroGrad()`, outputs = `model.forward(inputs)`, loss = `options.loss(outputs, targets)`,
 * `loss.backward()` (the tape's ordinary backward, BPTT for recurrent models), optionally
 * `clipGradNorm(optimizer.params, max)`, `optimizer.step()`; then the metrics on the outputs under `noGrad`, and
 * `onBatchEnd`. After each epoch: validation, `onEpochEnd`, a line of progress. Epoch values are averages weighted
 * by batch size (a metric's `{ total, count }` pairs are summed). The model is in training mode for the batches and
 * in eval mode for validation, and is left in the mode it had before.
 *
 * Deterministic: the same seeds (weights, loader generator, `seed` for dropout) give the same history, bit for bit.
 * `fit` is async so that callbacks may write files and an abort signal can be heard; the arithmetic is synchronous.
 *
 * @throws ValueError for bad epochs or clipGradNorm, or an epoch with no batches; ShapeError when the loss is not a
 * one-element tensor. Errors from the model, the loss or a callback propagate unchanged.
 *
 * @example
 * ```ts
 * const loader = new DataLoader({ inputs: seqs, targets: labels }, {
 *   batchSize: 16, shuffle: true, generator: new Generator(1), collate: padCollate<number>(),
 * });
 * const history = await fit(model, loader, {
 *   epochs: 10,
 *   optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
 *   loss: (logits, labels) => crossEntropy(logits, labels),
 *   metrics: { accuracy: accuracy() },
 *   validation: heldOutLoader,
 *   callbacks: [earlyStopping({ monitor: 'val_loss', patience: 2, restoreBest: true })],
 *   clipGradNorm: 1,
 * });
 * history.metrics.val_accuracy; // one value per epoch
 * ```
 */
export async function fit<BX, BY>(model: FitModel<BX>, data: Iterable<Batch<BX, BY>>, options: FitOptions<BX, BY>): Promise<History> {
  const { epochs, optimizer, validation, signal } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(clip > 0 && clip < Infinity))
    throw new ValueError(`fit: clipGradNorm must be a finite number > 0, got ${clip}`);
  if (options.seed !== undefined) reseed(options.seed);
  const callbacks = [...(options.callbacks ?? []), ...(options.progress === false ? [] : [progressBar(options.progress)])];
  const context = new Context(model, optimizer, epochs, knownLength(data), (data as { generator?: Generator }).generator);
  const run = async <K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>) => {
    for (const cb of callbacks) await (cb[hook] as ((...a: unknown[]) => unknown) | undefined)?.call(cb, ...args);
  };
  const wasTraining = model.training;
  const epochLogs: EpochLogs[] = [];
  // A function, not a field read: the signal changes while we await, which TypeScript's narrowing cannot see.
  const isAborted = () => signal?.aborted === true;
  let aborted = false;
  try {
    await run('onTrainBegin', context);
    for (let epoch = 1; epoch <= epochs && !context.stopRequested; epoch++) {
      if ((aborted = isAborted())) break;
      context.epoch = epoch;
      await run('onEpochBegin', epoch, context);
      const started = performance.now();
      const averages = new Averages();
      model.train();
      let batches = 0;
      for (const batch of data) {
        // Yield to the event loop so that an abort (Ctrl-C, a timer) can run between batches.
        if (signal !== undefined) await new Promise((resolve) => setTimeout(resolve, 0));
        if ((aborted = isAborted())) break;
        const logs = trainStep(model, batch, options, context, averages, batches);
        batches += 1;
        await run('onBatchEnd', logs, context);
        if (context.stopRequested) break;
      }
      if (aborted) break;
      if (batches === 0)
        throw new ValueError(`fit: the data gave no batches in epoch ${epoch}; is the dataset empty, or a one-shot iterator?`);
      context.batchesPerEpoch ??= batches;
      const values = { ...averages.values(), ...(validation ? evaluate(model, validation, options, epoch) : {}) };
      const seconds = (performance.now() - started) / 1000;
      const logs: EpochLogs = { epoch, step: context.step, batches, lr: optimizer.lr, seconds, values };
      epochLogs.push(logs);
      await run('onEpochEnd', logs, context);
    }
    const history = makeHistory(epochLogs, aborted ? 'signal' : context.stopRequested ? 'callback' : 'epochs');
    await run('onTrainEnd', history, context);
    return history;
  } finally {
    model.train(wasTraining);
  }
}

/** One optimizer step on `batch`: zeroGrad, forward, loss, backward, clipping, step; then the metrics. */
function trainStep<BX, BY>(
  model: FitModel<BX>,
  batch: Batch<BX, BY>,
  options: FitOptions<BX, BY>,
  context: Context,
  averages: Averages,
  index: number,
): BatchLogs {
  const { optimizer, clipGradNorm: clip } = options;
  const size = batch.size ?? 1;
  optimizer.zeroGrad();
  const outputs = model.forward(batch.inputs);
  const loss = scalarLoss(options.loss(outputs, batch.targets), context.epoch, index);
  loss.backward(); // the tape's ordinary reverse sweep: BPTT through every time step of a recurrent model

  const gradNorm = clip === undefined ? undefined : clipGradNorm(optimizer.params, clip);
  const lr = optimizer.lr;
  optimizer.step();
  context.step += 1;
  averages.add('loss', loss.item(), size);
  noGrad(() => Object.entries(options.metrics ?? {}).forEach(([name, metric]) => averages.add(name, metric(outputs, batch.targets), size)));
  const logs = { epoch: context.epoch, batch: index, step: context.step, size, loss: loss.item(), values: averages.values(), lr };
  return gradNorm === undefined ? logs : { ...logs, gradNorm };
}

/** Loss and metrics over `batches` in eval mode without gradients, as `val_loss` and `val_<metric>`. */
function evaluate<BX, BY>(model: FitModel<BX>, batches: Iterable<Batch<BX, BY>>, options: FitOptions<BX, BY>, epoch: number) {
  const averages = new Averages();
  model.eval();
  noGrad(() => {
    let index = 0;
    for (const batch of batches) {
      const size = batch.size ?? 1;
      const outputs = model.forward(batch.inputs);
      averages.add('loss', scalarLoss(options.loss(outputs, batch.targets), epoch, index, 'validation ').item(), size);
      for (const [name, metric] of Object.entries(options.metrics ?? {})) averages.add(name, metric(outputs, batch.targets), size);
      index += 1;
    }
  });
  model.train();
  return averages.values('val_');
}

function scalarLoss(loss: Tensor, epoch: number, batch: number, kind = ''): Tensor {
  if (loss.size !== 1) {
    throw new ShapeError(
      `fit: the loss must be a one-element tensor, got shape [${loss.shape.join(',')}] (epoch ${epoch}, ${kind}batch ${batch}); ` +
        `reduce it with 'mean' or 'sum'`,
    );
  }
  return loss;
}

function knownLength(data: unknown): number | undefined {
  const n = (data as { length?: unknown }).length;
  return typeof n === 'number' ? n : undefined;
}

function makeHistory(epochs: EpochLogs[], stopReason: StopReason): History {
  const metrics: Record<string, number[]> = {};
  for (const logs of epochs) for (const [name, v] of Object.entries(logs.values)) (metrics[name] ??= []).push(v);
  return { epochs, metrics, stopReason };
}

class Context implements TrainContext {
  epoch = 0;
  step = 0;
  stopRequested = false;

  constructor(
    readonly model: Module,
    readonly optimizer: Optimizer,
    readonly epochs: number,
    public batchesPerEpoch: number | undefined,
    readonly generator: Generator | undefined,
  ) {}

  stop(): void {
    this.stopRequested = true;
  }
}
