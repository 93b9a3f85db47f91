import { ValueError } from '@loom/core';
import { checkOption, type Optimizer } from './optimizer.js';

/** A schedule's state as plain data, from {@link LRScheduler.stateDict}. */
export interface LRSchedulerStateDict {
  /** Epochs stepped so far. */
  readonly lastEpoch: number;
  /** The learning rate at epoch 0. */
  readonly baseLr: number;
}

/**
 * Base of the learning-rate schedules: the optimizer's lr at construction is the base lr γ₀, and each
 * {@link LRScheduler.step} (once per epoch, after the optimizer's steps) advances the epoch e and sets the
 * optimizer's lr to the schedule's closed form γ(e). As in PyTorch, γ(0) = γ₀.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) {
 *   trainOneEpoch(opt);
 *   schedule.step();
 * }
 * ```
 */
export abstract class LRScheduler {
  private epoch = 0;
  private base: number;

  /** Schedules `optimizer`'s learning rate, starting from its current value. */
  protected constructor(
    /** The optimizer whose `lr` this schedule sets. */
    readonly optimizer: Optimizer,
  ) {
    this.base = optimizer.lr;
  }

  /** Epochs stepped so far (0 after construction). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate at epoch 0. */
  get baseLr(): number {
    return this.base;
  }

  /** Advances one epoch and sets the optimizer's learning rate to γ(lastEpoch). */
  step(): void {
    this.epoch += 1;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  /** The epoch count and base lr, as plain data. */
  stateDict(): LRSchedulerStateDict {
    return { lastEpoch: this.epoch, baseLr: this.base };
  }

  /** Restores a {@link LRScheduler.stateDict} and sets the optimizer's lr to γ(lastEpoch). */
  loadStateDict(dict: LRSchedulerStateDict): void {
    if (!Number.isInteger(dict.lastEpoch) || dict.lastEpoch < 0) {
      throw new ValueError(`LRScheduler.loadStateDict: lastEpoch must be a whole number ≥ 0, got ${dict.lastEpoch}`);
    }
    this.base = checkOption('LRScheduler.loadStateDict', 'baseLr', dict.baseLr);
    this.epoch = dict.lastEpoch;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  /** The schedule's closed form γ(epoch), from {@link LRScheduler.baseLr}. */
  protected abstract lrAt(epoch: number): number;
}
