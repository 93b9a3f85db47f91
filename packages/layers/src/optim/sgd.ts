import { ValueError, add, mul, sub, type Tensor } from '@loom/core';
import type { Parameter } from '../parameter.js';
import { Optimizer, checkOption, type ParamState } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate γ. Default 1e-3. */
  readonly lr?: number;
  /** Momentum μ. Default 0 (plain gradient descent). */
  readonly momentum?: number;
  /** Dampening τ of the momentum's gradient term. Default 0. */
  readonly dampening?: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0). Default false. */
  readonly nesterov?: boolean;
  /** L2 penalty λ, added to the gradient. Default 0. */
  readonly weightDecay?: number;
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay, exactly as PyTorch's
 * `torch.optim.SGD`. Per parameter θ with gradient g, at its step t:
 *
 * g ← g + λθ (if λ ≠ 0); with μ ≠ 0: b ← g at t = 1, else b ← μb + (1 − τ)g, then g ← g + μb (Nesterov) or
 * g ← b; finally θ ← θ − γg. The momentum buffer b is the state.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer {
  /** The hyperparameters other than lr, with defaults filled in. */
  readonly options: Readonly<Required<Omit<SGDOptions, 'lr'>>>;

  /** An optimizer over `params`; throws ValueError for out-of-range options. */
  constructor(params: Iterable<Parameter>, options: SGDOptions = {}) {
    super('SGD', params, options.lr ?? 1e-3);
    const { momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = options;
    this.options = {
      momentum: checkOption('SGD', 'momentum', momentum),
      dampening: checkOption('SGD', 'dampening', dampening),
      nesterov,
      weightDecay: checkOption('SGD', 'weightDecay', weightDecay),
    };
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${momentum}, dampening ${dampening}`);
    }
  }

  /** One SGD update of `param` (see the class doc for the equations). */
  protected update(param: Parameter, grad: Tensor, state: ParamState): void {
    const { momentum, dampening, nesterov, weightDecay } = this.options;
    let g = weightDecay !== 0 ? add(grad, mul(param, weightDecay)) : grad;
    if (momentum !== 0) {
      const prev = state.buffers.momentum;
      const b = prev === undefined ? g : add(mul(prev, momentum), mul(g, 1 - dampening));
      state.buffers.momentum = b;
      g = nesterov ? add(g, mul(b, momentum)) : b;
    }
    param.assign(sub(param, mul(g, this.lr)));
  }
}
