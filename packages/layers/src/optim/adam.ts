import { add, div, maximum, mul, sqrt, square, sub, zerosLike, type Tensor } from '@loom/core';
import type { Parameter } from '../parameter.js';
import { Optimizer, checkOption, type ParamState } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  /** Learning rate γ. Default 1e-3. */
  readonly lr?: number;
  /** Decay rates (β₁, β₂) of the running averages of g and g², each in [0, 1). Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** ε added to the denominator. Default 1e-8. */
  readonly eps?: number;
  /** Weight decay λ: an L2 term in Adam, decoupled in AdamW. Default 0 for Adam, 1e-2 for AdamW. */
  readonly weightDecay?: number;
  /** Use the running maximum of v (AMSGrad, Reddi et al. 2018). Default false. */
  readonly amsgrad?: boolean;
}

/**
 * Adam (Kingma & Ba 2015) as PyTorch's `torch.optim.Adam`. Per parameter θ with gradient g, at its step t:
 *
 * g ← g + λθ (if λ ≠ 0); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; with AMSGrad v_max ← max(v_max, v) and v
 * below means v_max; θ ← θ − γ·m̂ / (√v̂ + ε), where m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). As in PyTorch's code,
 * AMSGrad keeps the maximum of the raw v and bias-corrects it afterwards. The state is m, v (and v_max).
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.98] });
 * ```
 */
export class Adam extends Optimizer {
  /** The hyperparameters other than lr, with defaults filled in. */
  readonly options: Readonly<Required<Omit<AdamOptions, 'lr'>>>;
  /** True for AdamW: weight decay shrinks θ directly instead of adding λθ to the gradient. */
  protected readonly decoupled: boolean;

  /** An optimizer over `params`; throws ValueError for out-of-range options. */
  constructor(params: Iterable<Parameter>, options: AdamOptions = {}) {
    // new.target tells AdamW (and its subclasses) apart without a constructor flag in the public signature.
    const decoupled = new.target === AdamW || new.target.prototype instanceof AdamW;
    const name = decoupled ? 'AdamW' : 'Adam';
    super(name, params, options.lr ?? 1e-3);
    const { betas = [0.9, 0.999], eps = 1e-8, weightDecay = decoupled ? 1e-2 : 0, amsgrad = false } = options;
    this.options = {
      betas: [checkOption(name, 'betas[0]', betas[0], 0, 1), checkOption(name, 'betas[1]', betas[1], 0, 1)],
      eps: checkOption(name, 'eps', eps),
      weightDecay: checkOption(name, 'weightDecay', weightDecay),
      amsgrad,
    };
    this.decoupled = decoupled;
  }

  /** One Adam (or AdamW) update of `param` (see the class doc for the equations). */
  protected update(param: Parameter, grad: Tensor, { step: t, buffers }: ParamState): void {
    const {
      betas: [b1, b2],
      eps,
      weightDecay: wd,
      amsgrad,
    } = this.options;
    let theta: Tensor = param;
    let g = grad;
    if (wd !== 0 && this.decoupled) theta = mul(param, 1 - this.lr * wd);
    else if (wd !== 0) g = add(g, mul(param, wd));
    const m = add(mul(buffers.expAvg ?? zerosLike(param), b1), mul(g, 1 - b1));
    let v = add(mul(buffers.expAvgSq ?? zerosLike(param), b2), mul(square(g), 1 - b2));
    buffers.expAvg = m;
    buffers.expAvgSq = v;
    if (amsgrad) v = buffers.maxExpAvgSq = maximum(buffers.maxExpAvgSq ?? zerosLike(param), v);
    const denom = add(div(sqrt(v), Math.sqrt(1 - b2 ** t)), eps);
    param.assign(sub(theta, mul(div(m, denom), this.lr / (1 - b1 ** t))));
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019) as PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay. Each step
 * first shrinks θ ← θ − γλθ, then applies the {@link Adam} update without the L2 term. Default λ = 1e-2.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * ```
 */
export class AdamW extends Adam {}
