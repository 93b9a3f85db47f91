import { add, div, full, mul, sqrt, square, sub, type Tensor } from '@loom/core';
import type { Parameter } from '../parameter.js';
import { Optimizer, checkOption, type ParamState } from './optimizer.js';

/** Options of {@link Adagrad}. */
export interface AdagradOptions {
  /** Learning rate γ. Default 1e-2. */
  readonly lr?: number;
  /** Learning-rate decay η: step t uses γ / (1 + (t − 1)η). Default 0. */
  readonly lrDecay?: number;
  /** L2 penalty λ, added to the gradient. Default 0. */
  readonly weightDecay?: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  readonly initialAccumulatorValue?: number;
  /** ε added to the denominator. Default 1e-10. */
  readonly eps?: number;
}

/**
 * Adagrad (Duchi et al. 2011) as PyTorch's `torch.optim.Adagrad`. Per parameter θ with gradient g, at its step t:
 *
 * γ̃ ← γ / (1 + (t − 1)η); g ← g + λθ (if λ ≠ 0); s ← s + g²; θ ← θ − γ̃·g / (√s + ε), with s starting at
 * `initialAccumulatorValue`. The state is s.
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  /** The hyperparameters other than lr, with defaults filled in. */
  readonly options: Readonly<Required<Omit<AdagradOptions, 'lr'>>>;

  /** An optimizer over `params`; throws ValueError for out-of-range options. */
  constructor(params: Iterable<Parameter>, options: AdagradOptions = {}) {
    super('Adagrad', params, options.lr ?? 1e-2);
    const { lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = options;
    this.options = {
      lrDecay: checkOption('Adagrad', 'lrDecay', lrDecay),
      weightDecay: checkOption('Adagrad', 'weightDecay', weightDecay),
      initialAccumulatorValue: checkOption('Adagrad', 'initialAccumulatorValue', initialAccumulatorValue),
      eps: checkOption('Adagrad', 'eps', eps),
    };
  }

  /** One Adagrad update of `param` (see the class doc for the equations). */
  protected update(param: Parameter, grad: Tensor, { step: t, buffers }: ParamState): void {
    const { lrDecay, weightDecay, initialAccumulatorValue, eps } = this.options;
    const clr = this.lr / (1 + (t - 1) * lrDecay);
    const g = weightDecay !== 0 ? add(grad, mul(param, weightDecay)) : grad;
    const start = () => full(param.shape, initialAccumulatorValue, { dtype: param.dtype });
    const s = (buffers.sum = add(buffers.sum ?? start(), square(g)));
    param.assign(sub(param, mul(div(g, add(sqrt(s), eps)), clr)));
  }
}
