import { add, div, mul, sqrt, square, sub, zerosLike, type Tensor } from '@loom/core';
import type { Parameter } from '../parameter.js';
import { Optimizer, checkOption, type ParamState } from './optimizer.js';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions {
  /** Learning rate γ. Default 1e-2. */
  readonly lr?: number;
  /** Smoothing constant α of the running average of g². Default 0.99. */
  readonly alpha?: number;
  /** ε added to the denominator. Default 1e-8. */
  readonly eps?: number;
  /** L2 penalty λ, added to the gradient. Default 0. */
  readonly weightDecay?: number;
  /** Momentum μ. Default 0. */
  readonly momentum?: number;
  /** Normalize by an estimate of the variance of g instead of its second moment. Default false. */
  readonly centered?: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e) as PyTorch's `torch.optim.RMSprop`. Per parameter θ with gradient g:
 *
 * g ← g + λθ (if λ ≠ 0); v ← αv + (1 − α)g²; ṽ ← v, or when centered g̅ ← αg̅ + (1 − α)g and ṽ ← v − g̅²;
 * with μ > 0: b ← μb + g / (√ṽ + ε) and θ ← θ − γb; otherwise θ ← θ − γg / (√ṽ + ε).
 * The state is v (and g̅, b).
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, centered: true });
 * ```
 */
export class RMSprop extends Optimizer {
  /** The hyperparameters other than lr, with defaults filled in. */
  readonly options: Readonly<Required<Omit<RMSpropOptions, 'lr'>>>;

  /** An optimizer over `params`; throws ValueError for out-of-range options. */
  constructor(params: Iterable<Parameter>, options: RMSpropOptions = {}) {
    super('RMSprop', params, options.lr ?? 1e-2);
    const { alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = options;
    this.options = {
      alpha: checkOption('RMSprop', 'alpha', alpha),
      eps: checkOption('RMSprop', 'eps', eps),
      weightDecay: checkOption('RMSprop', 'weightDecay', weightDecay),
      momentum: checkOption('RMSprop', 'momentum', momentum),
      centered,
    };
  }

  /** One RMSprop update of `param` (see the class doc for the equations). */
  protected update(param: Parameter, grad: Tensor, { buffers }: ParamState): void {
    const { alpha, eps, weightDecay, momentum, centered } = this.options;
    const g = weightDecay !== 0 ? add(grad, mul(param, weightDecay)) : grad;
    const v = (buffers.squareAvg = add(mul(buffers.squareAvg ?? zerosLike(param), alpha), mul(square(g), 1 - alpha)));
    let avg = v;
    if (centered) {
      const gAvg = (buffers.gradAvg = add(mul(buffers.gradAvg ?? zerosLike(param), alpha), mul(g, 1 - alpha)));
      avg = sub(v, square(gAvg));
    }
    const scaled = div(g, add(sqrt(avg), eps));
    if (momentum > 0) {
      const b = (buffers.momentum = add(mul(buffers.momentum ?? zerosLike(param), momentum), scaled));
      param.assign(sub(param, mul(b, this.lr)));
    } else {
      param.assign(sub(param, mul(scaled, this.lr)));
    }
  }
}
