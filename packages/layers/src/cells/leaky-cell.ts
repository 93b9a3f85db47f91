import { ValueError, add, mul, sigmoid, sub, tensor, type Tensor } from '@loom/core';
import { Parameter } from '../parameter.js';
import { RNNCell, type RNNCellOptions } from './rnn-cell.js';

/** Options of {@link LeakyCell}. */
export interface LeakyCellOptions extends RNNCellOptions {
  /**
   * The retention α: one number for every unit or one per unit (length H). Fixed values lie in [0, 1] (0 gives
   * an {@link RNNCell}, 1 a state that never changes); with `learnAlpha` it is the starting value, in (0, 1).
   * Default 0.5.
   */
  readonly alpha?: number | readonly number[];
  /** Learn α per unit, as σ(`alphaLogit`), so that it stays in (0, 1) whatever the optimizer does. Default false. */
  readonly learnAlpha?: boolean;
}

/**
 * Leaky-integrator recurrent cell (Jaeger et al. 2007): each unit keeps a fraction α of its old value, a
 * per-unit time constant that lets slow units carry information over long spans.
 *
 * ```text
 * h' = α ⊙ h + (1 − α) ⊙ f(W_ih x + b_ih + W_hh h + b_hh)
 * α  = fixed, or σ(alphaLogit) with learnAlpha
 * ```
 *
 * With α = 0 it is exactly an {@link RNNCell} with the same parameters. (Echo-state papers write the leak rate
 * a = 1 − α.)
 *
 * Shapes: x [B, I]; state h [B, H]; output h' [B, H]. Parameters: `weightIh` [H, I], `weightHh` [H, H],
 * `biasIh`/`biasHh` [H], all U(−1/√H, 1/√H) as PyTorch's RNN, and `alphaLogit` [H] with learnAlpha.
 *
 * @example
 * ```ts
 * const slow = new LeakyCell(8, 16, { alpha: 0.9 });                     // fixed, every unit
 * const learned = new LeakyCell(8, 16, { alpha: 0.5, learnAlpha: true }); // α per unit, learned
 * const { outputs } = new Recurrent(learned).forward(randn([10, 2, 8])); // [10, 2, 16]
 * ```
 */
export class LeakyCell extends RNNCell {
  /** Logit of the learned α [H] (α = σ(alphaLogit)), or null when α is fixed. */
  readonly alphaLogit: Parameter | null;
  private readonly fixedAlpha: Tensor | null;

  /** A leaky cell from `inputSize` features to `hiddenSize` units. */
  constructor(inputSize: number, hiddenSize: number, options: LeakyCellOptions = {}) {
    super(inputSize, hiddenSize, options);
    const learn = options.learnAlpha ?? false;
    const alpha = alphaValues(options.alpha ?? 0.5, hiddenSize, learn);
    const dtype = this.dtype;
    const logits = alpha.map((a) => Math.log(a / (1 - a)));
    this.alphaLogit = learn ? new Parameter(tensor(logits, { shape: [hiddenSize], dtype })) : null;
    this.fixedAlpha = learn ? null : tensor(alpha, { shape: [hiddenSize], dtype });
  }

  /** The current α, [H]. */
  get alpha(): Tensor {
    return this.alphaLogit ? sigmoid(this.alphaLogit) : this.fixedAlpha!;
  }

  /** One step from the projected input (the RNNCell's `project`); see the class equations. */
  override stepProjected(xw: Tensor, h: Tensor): [Tensor, Tensor] {
    const [candidate] = super.stepProjected(xw, h);
    // Written as α h + (1 − α) f rather than lerp(f, h, α) = f + α (h − f): exact at α = 1 (h stays bit for bit).
    const alpha = this.alpha;
    const next = add(mul(alpha, h), mul(sub(1, alpha), candidate));
    return [next, next];
  }
}

/** α as H checked numbers: in [0, 1] when fixed, in (0, 1) when learned (its logit must be finite). */
function alphaValues(alpha: number | readonly number[], hiddenSize: number, learn: boolean): number[] {
  const values = typeof alpha === 'number' ? Array<number>(hiddenSize).fill(alpha) : [...alpha];
  if (values.length !== hiddenSize) {
    throw new ValueError(
      `LeakyCell: alpha has ${values.length} values but the cell has ${hiddenSize} units (give one number or one per unit)`,
    );
  }
  const bad = values.findIndex((a) => !(learn ? a > 0 && a < 1 : a >= 0 && a <= 1));
  if (bad >= 0) {
    const range = learn ? 'in (0, 1) when learned (α = σ(logit))' : 'in [0, 1]';
    throw new ValueError(`LeakyCell: alpha[${bad}] is ${values[bad]}, but it must be ${range}`);
  }
  return values;
}
