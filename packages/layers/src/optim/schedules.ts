import { ValueError } from '@loom/core';
import { LRScheduler } from './lr-scheduler.js';
import { checkOption, type Optimizer } from './optimizer.js';

function positiveInteger(name: string, key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`${name}: ${key} must be a whole number ≥ 1, got ${value}`);
  return value;
}

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Epochs between decays, a whole number ≥ 1. */
  readonly stepSize: number;
  /** Decay factor γ. Default 0.1. */
  readonly gamma?: number;
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Decay factor γ per epoch. */
  readonly gamma: number;
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Half period in epochs (where the lr reaches etaMin), a whole number ≥ 1. */
  readonly tMax: number;
  /** Lowest learning rate η_min. Default 0. */
  readonly etaMin?: number;
}

/**
 * Decays the learning rate by γ every `stepSize` epochs: γ(e) = γ₀·γ^⌊e / stepSize⌋, as PyTorch's `StepLR`.
 *
 * @example
 * ```ts
 * new StepLR(opt, { stepSize: 10, gamma: 0.5 }); // halves the lr every 10 epochs
 * ```
 */
export class StepLR extends LRScheduler {
  /** The options, with defaults filled in. */
  readonly options: Readonly<Required<StepLROptions>>;

  /** Schedules `optimizer`; stepSize must be a whole number ≥ 1, gamma (default 0.1) finite and ≥ 0. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    const gamma = checkOption('StepLR', 'gamma', options.gamma ?? 0.1);
    this.options = { stepSize: positiveInteger('StepLR', 'stepSize', options.stepSize), gamma };
  }

  /** γ₀·γ^⌊e / stepSize⌋. */
  protected lrAt(epoch: number): number {
    return this.baseLr * this.options.gamma ** Math.floor(epoch / this.options.stepSize);
  }
}

/**
 * Decays the learning rate by γ every epoch: γ(e) = γ₀·γᵉ, as PyTorch's `ExponentialLR`.
 *
 * @example
 * ```ts
 * new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The options. */
  readonly options: Readonly<Required<ExponentialLROptions>>;

  /** Schedules `optimizer`; gamma must be finite and ≥ 0. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer);
    this.options = { gamma: checkOption('ExponentialLR', 'gamma', options.gamma) };
  }

  /** γ₀·γᵉ. */
  protected lrAt(epoch: number): number {
    return this.baseLr * this.options.gamma ** epoch;
  }
}

/**
 * Cosine annealing from γ₀ down to η_min over `tMax` epochs (Loshchilov & Hutter 2017, without restarts), as
 * the closed form of PyTorch's `CosineAnnealingLR`: γ(e) = η_min + (γ₀ − η_min)·(1 + cos(π·e / tMax)) / 2.
 * Past tMax the cosine continues, rising again, as PyTorch's does.
 *
 * @example
 * ```ts
 * new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The options, with defaults filled in. */
  readonly options: Readonly<Required<CosineAnnealingLROptions>>;

  /** Schedules `optimizer`; tMax must be a whole number ≥ 1, etaMin (default 0) finite and ≥ 0. */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    const etaMin = checkOption('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0);
    this.options = { tMax: positiveInteger('CosineAnnealingLR', 'tMax', options.tMax), etaMin };
  }

  /** η_min + (γ₀ − η_min)·(1 + cos(π·e / tMax)) / 2. */
  protected lrAt(epoch: number): number {
    const { tMax, etaMin } = this.options;
    return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
  }
}
